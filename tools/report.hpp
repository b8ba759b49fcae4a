// tools/report.hpp — the checker's report: counts, failures, margins; written and read as JSON.
#pragma once

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <fmt/core.h>

namespace ctformer::tools {

struct failure {
    std::string prompt, expected, got;
};

struct report {
    std::size_t digits = 4;
    std::string mode = "range";  ///< "range" or "sample"
    std::uint64_t left_lo = 0, left_hi = 0, right_lo = 0, right_hi = 0;  ///< inclusive ranges
    std::uint64_t sample = 0, seed = 0;
    std::uint64_t shard = 0, shards = 1;
    std::uint64_t total = 0;    ///< pairs this report was asked to check
    std::uint64_t checked = 0;  ///< pairs actually checked
    std::uint64_t right = 0;
    std::vector<failure> failures;  ///< at most max_failures of them
    double attention_weight = 1, attention_gap = 1e30, copy_input = 1e30, logit_gap = 1e30;
    double elapsed_s = 0;
    bool complete = false;  ///< false when interrupted
    std::vector<std::uint64_t> merged_shards;  ///< for a merged report: the shards it holds
    /// Σ pair_hash(a, b) over the pairs checked, mod 2^64: the same for any order and any split
    /// into runs, different if a pair was skipped or counted twice.
    std::uint64_t pairs_digest = 0;
    std::uint64_t resumed = 0;  ///< pairs taken from a --resume file, not checked in this run
    /// In a --resume file: the blocks of `block` pairs that are done, as [first, last] block ranges.
    std::uint64_t block = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> done_blocks;

    std::uint64_t wrong() const { return checked - right; }
};

/// An answer as text on one line: the end token '\n' shown as the two characters \n.
inline std::string visible(std::string const& s) {
    std::string out;
    for (char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
    return out;
}

/// The hash each checked pair adds to report::pairs_digest.
inline std::uint64_t pair_hash(std::uint64_t a, std::uint64_t b) {
    std::uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

inline std::string json_escape(std::string const& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else out += c;
        }
    }
    return out;
}

inline std::string to_json(report const& r) {
    std::string s = "{\n";
    s += fmt::format("  \"digits\": {},\n  \"mode\": \"{}\",\n", r.digits, r.mode);
    s += fmt::format("  \"left\": [{}, {}],\n  \"right\": [{}, {}],\n", r.left_lo, r.left_hi, r.right_lo, r.right_hi);
    s += fmt::format("  \"sample\": {},\n  \"seed\": {},\n  \"shard\": [{}, {}],\n", r.sample, r.seed, r.shard, r.shards);
    s += fmt::format("  \"total\": {},\n  \"checked\": {},\n  \"correct\": {},\n  \"wrong\": {},\n", r.total, r.checked, r.right, r.wrong());
    s += fmt::format("  \"complete\": {},\n", r.complete ? "true" : "false");
    s += fmt::format("  \"pairs_digest\": {},\n  \"resumed\": {},\n", r.pairs_digest, r.resumed);
    if (r.block > 0) {
        s += fmt::format("  \"block\": {},\n  \"done_blocks\": [", r.block);
        for (std::size_t i = 0; i < r.done_blocks.size(); ++i) s += fmt::format("{}[{}, {}]", i ? ", " : "", r.done_blocks[i].first, r.done_blocks[i].second);
        s += "],\n";
    }
    s += "  \"merged_shards\": [";
    for (std::size_t i = 0; i < r.merged_shards.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", r.merged_shards[i]);
    s += "],\n";
    s += fmt::format("  \"margins\": {{\"attention_weight\": {:.10g}, \"attention_gap\": {:.10g}, \"copy_input\": {:.10g}, \"logit_gap\": {:.10g}}},\n",
                     r.attention_weight, r.attention_gap, r.copy_input, r.logit_gap);
    s += fmt::format("  \"elapsed_s\": {:.3f},\n  \"rate_per_s\": {:.1f},\n", r.elapsed_s, r.elapsed_s > 0 ? static_cast<double>(r.checked) / r.elapsed_s : 0.0);
    s += "  \"failures\": [";
    for (std::size_t i = 0; i < r.failures.size(); ++i)
        s += fmt::format("{}\n    {{\"prompt\": \"{}\", \"expected\": \"{}\", \"got\": \"{}\"}}", i ? "," : "", json_escape(r.failures[i].prompt),
                         json_escape(r.failures[i].expected), json_escape(r.failures[i].got));
    s += r.failures.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return s;
}

// --- a small JSON reader, enough for the reports above -------------------------------------

struct json_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct json_value {
    std::variant<std::nullptr_t, bool, double, std::string, std::vector<json_value>, std::map<std::string, json_value>> v;
    std::uint64_t integer = 0;  ///< exact value of a non-negative integer literal
    bool is_integer = false;

    json_value const& at(std::string const& key) const {
        auto const* obj = std::get_if<std::map<std::string, json_value>>(&v);
        if (!obj) throw json_error("expected an object around \"" + key + "\"");
        auto it = obj->find(key);
        if (it == obj->end()) throw json_error("missing field \"" + key + "\"");
        return it->second;
    }
    std::vector<json_value> const& array() const {
        auto const* a = std::get_if<std::vector<json_value>>(&v);
        if (!a) throw json_error("expected an array");
        return *a;
    }
    std::uint64_t u64() const {
        if (!is_integer) throw json_error("expected a non-negative integer");
        return integer;
    }
    double number() const {
        auto const* d = std::get_if<double>(&v);
        if (!d) throw json_error("expected a number");
        return *d;
    }
    std::string const& str() const {
        auto const* s = std::get_if<std::string>(&v);
        if (!s) throw json_error("expected a string");
        return *s;
    }
    bool boolean() const {
        auto const* b = std::get_if<bool>(&v);
        if (!b) throw json_error("expected true or false");
        return *b;
    }
};

class json_parser {
public:
    explicit json_parser(std::string const& text) : t_(text) {}
    json_value parse() {
        json_value v = value(0);
        skip();
        if (i_ != t_.size()) fail("trailing characters after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(std::string const& what) const { throw json_error(what + " at byte " + std::to_string(i_)); }
    void skip() {
        while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < t_.size() && t_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    json_value value(int depth) {
        if (depth > 32) fail("JSON nested too deeply");
        skip();
        if (i_ >= t_.size()) fail("unexpected end of JSON");
        char const c = t_[i_];
        json_value out;
        if (c == '{') {
            ++i_;
            std::map<std::string, json_value> obj;
            if (!eat('}')) {
                do {
                    skip();
                    std::string key = string();
                    if (!eat(':')) fail("expected ':'");
                    obj[key] = value(depth + 1);
                } while (eat(','));
                if (!eat('}')) fail("expected ',' or '}'");
            }
            out.v = std::move(obj);
        } else if (c == '[') {
            ++i_;
            std::vector<json_value> arr;
            if (!eat(']')) {
                do arr.push_back(value(depth + 1));
                while (eat(','));
                if (!eat(']')) fail("expected ',' or ']'");
            }
            out.v = std::move(arr);
        } else if (c == '"') {
            out.v = string();
        } else if (t_.compare(i_, 4, "true") == 0) {
            i_ += 4;
            out.v = true;
        } else if (t_.compare(i_, 5, "false") == 0) {
            i_ += 5;
            out.v = false;
        } else if (t_.compare(i_, 4, "null") == 0) {
            i_ += 4;
            out.v = nullptr;
        } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t const start = i_;
            bool integer = c != '-';
            while (i_ < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[i_])) || std::string_view("+-.eE").find(t_[i_]) != std::string_view::npos)) {
                if (!std::isdigit(static_cast<unsigned char>(t_[i_]))) integer = false;
                ++i_;
            }
            std::string const num = t_.substr(start, i_ - start);
            try {
                out.v = std::stod(num);
                if (integer && num.size() <= 20) {  // up to 2^64 − 1; larger ones are not integers here
                    errno = 0;
                    unsigned long long const value = std::strtoull(num.c_str(), nullptr, 10);
                    if (errno != ERANGE) {
                        out.integer = value;
                        out.is_integer = true;
                    }
                }
            } catch (std::exception const&) {
                fail("malformed number \"" + num + "\"");
            }
        } else {
            fail(std::string("unexpected character '") + c + "'");
        }
        return out;
    }
    std::string string() {
        if (i_ >= t_.size() || t_[i_] != '"') fail("expected a string");
        ++i_;
        std::string s;
        while (i_ < t_.size() && t_[i_] != '"') {
            char c = t_[i_++];
            if (c == '\\') {
                if (i_ >= t_.size()) fail("unfinished escape");
                char const e = t_[i_++];
                switch (e) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'u':
                    if (i_ + 4 > t_.size()) fail("unfinished \\u escape");
                    c = static_cast<char>(std::stoi(t_.substr(i_, 4), nullptr, 16));
                    i_ += 4;
                    break;
                default: c = e;
                }
            }
            s += c;
        }
        if (i_ >= t_.size()) fail("unterminated string");
        ++i_;
        return s;
    }
    std::string const& t_;
    std::size_t i_ = 0;
};

inline report from_json(std::string const& text) {
    json_value const j = json_parser(text).parse();
    report r;
    r.digits = j.at("digits").u64();
    r.mode = j.at("mode").str();
    r.left_lo = j.at("left").array().at(0).u64();
    r.left_hi = j.at("left").array().at(1).u64();
    r.right_lo = j.at("right").array().at(0).u64();
    r.right_hi = j.at("right").array().at(1).u64();
    r.sample = j.at("sample").u64();
    r.seed = j.at("seed").u64();
    r.shard = j.at("shard").array().at(0).u64();
    r.shards = j.at("shard").array().at(1).u64();
    r.total = j.at("total").u64();
    r.checked = j.at("checked").u64();
    r.right = j.at("correct").u64();
    r.complete = j.at("complete").boolean();
    for (auto const& s : j.at("merged_shards").array()) r.merged_shards.push_back(s.u64());
    auto const& m = j.at("margins");
    r.attention_weight = m.at("attention_weight").number();
    r.attention_gap = m.at("attention_gap").number();
    r.copy_input = m.at("copy_input").number();
    r.logit_gap = m.at("logit_gap").number();
    r.elapsed_s = j.at("elapsed_s").number();
    r.pairs_digest = j.at("pairs_digest").u64();
    r.resumed = j.at("resumed").u64();
    if (auto const* obj = std::get_if<std::map<std::string, json_value>>(&j.v); obj && obj->count("block")) {
        r.block = j.at("block").u64();
        for (auto const& b : j.at("done_blocks").array()) r.done_blocks.emplace_back(b.array().at(0).u64(), b.array().at(1).u64());
    }
    for (auto const& f : j.at("failures").array()) r.failures.push_back({f.at("prompt").str(), f.at("expected").str(), f.at("got").str()});
    if (r.right > r.checked || r.checked > r.total) throw json_error("inconsistent counts (right ≤ checked ≤ total does not hold)");
    return r;
}

}  // namespace ctformer::tools
