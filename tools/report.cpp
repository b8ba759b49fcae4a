// tools/report.cpp — ctformer-check's report as JSON, both ways.
#include "report.hpp"

#include <cmath>

#include "json.hpp"

namespace ctformer::tools {

namespace {

json pair(std::uint64_t a, std::uint64_t b) { return json::array({a, b}); }

json margins_json(report const& r) {
    return {{"attention_weight", number(r.attention_weight)},
            {"attention_gap", number(r.attention_gap)},
            {"copy_input", number(r.copy_input)},
            {"logit_gap", number(r.logit_gap)}};
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

void read_resume_fields(json const& j, report& r) {
    if (!j.contains("block")) return;
    r.block = u64(field(j, "block"), "block");
    for (auto const& b : array(j, "done_blocks")) {
        if (!b.is_array() || b.size() != 2) throw json_error("\"done_blocks\": expected [first, last] pairs");
        r.done_blocks.emplace_back(u64(b[0], "done_blocks"), u64(b[1], "done_blocks"));
    }
}

}  // namespace

std::string report_json(report const& r) {
    json j;
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
    if (r.block > 0) {
        j["block"] = r.block;
        j["done_blocks"] = json::array();
        for (auto const& [first, last] : r.done_blocks) j["done_blocks"].push_back(pair(first, last));
    }
    j["merged_shards"] = r.merged_shards;
    j["margins"] = margins_json(r);
    j["elapsed_s"] = number(rounded(r.elapsed_s, 3));
    j["rate_per_s"] = number(rounded(r.elapsed_s > 0 ? static_cast<double>(r.checked) / r.elapsed_s : 0.0, 1));
    j["failures"] = failures_json(r.failures);
    return dump(j);
}

report read_report(std::string const& text_of_file) {
    json const j = parse(text_of_file);
    if (!j.is_object()) throw json_error("expected a JSON object, got " + std::string(j.type_name()));
    report r;
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
    json const& m = field(j, "margins");
    r.attention_weight = real(m, "attention_weight"), r.attention_gap = real(m, "attention_gap");
    r.copy_input = real(m, "copy_input"), r.logit_gap = real(m, "logit_gap");
    r.elapsed_s = real(j, "elapsed_s");
    r.pairs_digest = u64(field(j, "pairs_digest"), "pairs_digest");
    r.resumed = u64(field(j, "resumed"), "resumed");
    read_resume_fields(j, r);
    for (auto const& f : array(j, "failures")) r.failures.push_back({text(f, "prompt"), text(f, "expected"), text(f, "got")});
    if (r.right > r.checked || r.checked > r.total)
        throw json_error("inconsistent counts (right ≤ checked ≤ total does not hold)");
    if (u64(field(j, "wrong"), "wrong") != r.wrong())
        throw json_error("\"wrong\": " + field(j, "wrong").dump() + ", but checked − correct is " + std::to_string(r.wrong()));
    return r;
}

}  // namespace ctformer::tools
