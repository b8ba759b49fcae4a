// tools/check/report.cpp — ctformer-check's report as JSON, both ways.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/json.hpp"

namespace ctformer::tools {

namespace {

json pair(std::uint64_t a, std::uint64_t b) { return json::array({a, b}); }

json margins_json(double attention_weight, double attention_gap, double copy_input, double logit_gap) {
    return {{"attention_weight", number(attention_weight)},
            {"attention_gap", number(attention_gap)},
            {"copy_input", number(copy_input)},
            {"logit_gap", number(logit_gap)}};
}

json failures_json(std::vector<failure> const& failures) {
    json out = json::array();
    for (auto const& f : failures) out.push_back({{"prompt", f.prompt}, {"expected", f.expected}, {"got", f.got}});
    return out;
}

/// v to `digits` decimals (the shortest form of the result then has no more of them).
double rounded(double v, int digits) {
    double const scale = std::pow(10.0, digits);
    return std::round(v * scale) / scale;
}

// --- reading: each accessor names the field it wanted ----------------------------------------

json const& field(json const& object, char const* key) {
    if (!object.is_object()) throw json_error(std::string("expected an object holding \"") + key + "\"");
    auto const it = object.find(key);
    if (it == object.end()) throw json_error(std::string("missing field \"") + key + "\"");
    return *it;
}

[[noreturn]] void wrong_type(char const* key, char const* wanted, json const& v) {
    throw json_error(std::string("\"") + key + "\": expected " + wanted + ", got " +
                     (v.is_number() ? v.dump() : std::string(v.type_name())));
}

std::uint64_t u64(json const& v, char const* what) {
    if (!v.is_number_unsigned()) wrong_type(what, "a non-negative integer", v);
    return v.get<std::uint64_t>();
}

std::uint64_t u64(json const& object, char const* key, std::size_t index) {
    json const& a = field(object, key);
    if (!a.is_array() || a.size() <= index)
        throw json_error(std::string("\"") + key + "\": expected an array of " + std::to_string(index + 1) + " or more");
    return u64(a[index], key);
}

double real(json const& object, char const* key) {
    json const& v = field(object, key);
    if (!v.is_number()) wrong_type(key, "a number", v);
    return v.get<double>();
}

std::string text(json const& object, char const* key) {
    json const& v = field(object, key);
    if (!v.is_string()) wrong_type(key, "a string", v);
    return v.get<std::string>();
}

json const& array(json const& object, char const* key) {
    json const& v = field(object, key);
    if (!v.is_array()) wrong_type(key, "an array", v);
    return v;
}

bool boolean(json const& object, char const* key) {
    json const& v = field(object, key);
    if (!v.is_boolean()) wrong_type(key, "true or false", v);
    return v.get<bool>();
}

margin_values margins_of(json const& m) {
    return {real(m, "attention_weight"), real(m, "attention_gap"), real(m, "copy_input"), real(m, "logit_gap")};
}

std::vector<failure> failures_of(json const& object) {
    std::vector<failure> out;
    for (auto const& f : array(object, "failures")) out.push_back({text(f, "prompt"), text(f, "expected"), text(f, "got")});
    return out;
}

json record_json(block_record const& b) {
    auto const& m = b.margins;
    return {{"shard", b.shard},
            {"blocks", pair(b.first, b.last)},
            {"checked", b.checked},
            {"correct", b.right},
            {"pairs_digest", b.digest},
            {"margins", margins_json(m.attention_weight, m.attention_gap, m.copy_input, m.logit_gap)},
            {"failures", failures_json(b.failures)}};
}

block_record record_of(json const& j) {
    block_record b;
    b.shard = u64(field(j, "shard"), "records: shard");
    b.first = u64(j, "blocks", 0), b.last = u64(j, "blocks", 1);
    b.checked = u64(field(j, "checked"), "records: checked");
    b.right = u64(field(j, "correct"), "records: correct");
    b.digest = u64(field(j, "pairs_digest"), "records: pairs_digest");
    b.margins = margins_of(field(j, "margins"));
    b.failures = failures_of(j);
    return b;
}

/// FNV-1a, 64 bits, over a member's name, a NUL and its value as compact JSON.
std::uint64_t member_seal(std::string const& name, json const& value) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto add = [&h](std::string const& bytes) {
        for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    };
    add(name);
    add(std::string(1, '\0'));
    add(value.dump(-1, ' ', false, json::error_handler_t::replace));
    return h;
}

std::string hex(std::uint64_t v) {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
    return out;
}

/// The seal of every member of `j` but "seal" itself.
json seal_of(json const& j) {
    json seal = json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "seal") seal[it.key()] = hex(member_seal(it.key(), it.value()));
    return seal;
}

/// Throws json_error naming the first member whose seal does not match, or is missing.
void check_seal(json const& j) {
    json const& seal = field(j, "seal");
    if (!seal.is_object()) wrong_type("seal", "an object", seal);
    json const expected = seal_of(j);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        auto const found = seal.find(it.key());
        if (found == seal.end())
            throw json_error("\"" + it.key() + "\": not in the file's seal: a field added after the file was written");
        if (*found != it.value())
            throw json_error("\"" + it.key() + "\": edited after the file was written (it does not match its seal)");
    }
    for (auto it = seal.begin(); it != seal.end(); ++it)
        if (!j.contains(it.key()))
            throw json_error("\"" + it.key() + "\": sealed but missing: a field removed after the file was written");
}

}  // namespace

std::string report_json(report const& r) {
    json j;
    j["program"] = r.program;
    j["digits"] = r.digits;
    j["mode"] = r.mode;
    j["left"] = pair(r.left_lo, r.left_hi);
    j["right"] = pair(r.right_lo, r.right_hi);
    j["sample"] = r.sample;
    j["seed"] = r.rng_seed;
    j["shard"] = pair(r.shard, r.shards);
    j["total"] = r.total;
    j["checked"] = r.checked;
    j["correct"] = r.right;
    j["wrong"] = r.wrong();
    j["complete"] = r.complete;
    j["pairs_digest"] = r.pairs_digest;
    j["resumed"] = r.resumed;
    j["merged_shards"] = r.merged_shards;
    j["margins"] = margins_json(r.attention_weight, r.attention_gap, r.copy_input, r.logit_gap);
    j["elapsed_s"] = number(rounded(r.elapsed_s, 3));
    j["rate_per_s"] = number(rounded(r.elapsed_s > 0 ? static_cast<double>(r.checked) / r.elapsed_s : 0.0, 1));
    j["max_failures"] = r.max_failures;
    j["failures"] = failures_json(r.failures);
    j["block"] = r.block;
    j["records"] = json::array();
    for (auto const& b : r.records) j["records"].push_back(record_json(b));
    j["seal"] = seal_of(j);
    return dump(j);
}

report read_report(std::string const& text_of_file) {
    json const j = parse(text_of_file);
    if (!j.is_object()) throw json_error("expected a JSON object, got " + std::string(j.type_name()));
    check_seal(j);
    report r;
    r.program = text(j, "program");
    r.digits = u64(field(j, "digits"), "digits");
    r.mode = text(j, "mode");
    r.left_lo = u64(j, "left", 0), r.left_hi = u64(j, "left", 1);
    r.right_lo = u64(j, "right", 0), r.right_hi = u64(j, "right", 1);
    r.sample = u64(field(j, "sample"), "sample");
    r.rng_seed = u64(field(j, "seed"), "seed");
    r.shard = u64(j, "shard", 0), r.shards = u64(j, "shard", 1);
    r.total = u64(field(j, "total"), "total");
    r.checked = u64(field(j, "checked"), "checked");
    r.right = u64(field(j, "correct"), "correct");
    r.complete = boolean(j, "complete");
    for (auto const& s : array(j, "merged_shards")) r.merged_shards.push_back(u64(s, "merged_shards"));
    auto const m = margins_of(field(j, "margins"));
    r.attention_weight = m.attention_weight, r.attention_gap = m.attention_gap;
    r.copy_input = m.copy_input, r.logit_gap = m.logit_gap;
    r.elapsed_s = real(j, "elapsed_s");
    r.pairs_digest = u64(field(j, "pairs_digest"), "pairs_digest");
    r.resumed = u64(field(j, "resumed"), "resumed");
    r.max_failures = u64(field(j, "max_failures"), "max_failures");
    r.failures = failures_of(j);
    r.block = u64(field(j, "block"), "block");
    for (auto const& b : array(j, "records")) r.records.push_back(record_of(b));
    if (r.right > r.checked || r.checked > r.total)
        throw json_error("inconsistent counts (right ≤ checked ≤ total does not hold)");
    if (u64(field(j, "wrong"), "wrong") != r.wrong())
        throw json_error("\"wrong\": " + field(j, "wrong").dump() + ", but checked − correct is " + std::to_string(r.wrong()));
    return r;
}

std::string resealed(std::string const& text_of_file) {
    json j = parse(text_of_file);
    if (!j.is_object()) throw json_error("expected a JSON object, got " + std::string(j.type_name()));
    j.erase("seal");
    j["seal"] = seal_of(j);
    return dump(j);
}

void margin_values::merge(margin_values const& o) {
    attention_weight = std::min(attention_weight, o.attention_weight);
    attention_gap = std::min(attention_gap, o.attention_gap);
    copy_input = std::min(copy_input, o.copy_input);
    logit_gap = std::min(logit_gap, o.logit_gap);
}

}  // namespace ctformer::tools
