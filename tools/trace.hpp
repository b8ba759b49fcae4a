// tools/trace.hpp — `ctformer trace`: the last row's registers after every layer, decoded.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "report.hpp"

namespace ctformer::tools {

/// One register of a row, in words: a cursor as the position it points at, a digit block as its
/// digit, a scalar as its value.
inline std::string decode(std::string_view name, slot s, fixed const* x) {
    if (s.width == 2) {  // sin/cos of 2π·p/100
        double const sn = x[s.offset].to_double(), cs = x[s.offset + 1].to_double();
        double const r = std::sqrt(sn * sn + cs * cs);
        if (r < 0.5) return "·";
        double p = std::atan2(sn, cs) * 100.0 / (2 * M_PI);
        if (p < -0.5) p += 100;
        long const whole = std::lround(p);
        bool const exact = std::fabs(p - static_cast<double>(whole)) < 1e-6 && std::fabs(r - 1) < 1e-6;
        return exact ? fmt::format("@{}", whole) : fmt::format("@{:.2f}", p);
    }
    if (s.width == 1) {
        double const v = x[s.offset].to_double();
        if (v == 0) return "0";
        if (v == 1) return "1";
        return fmt::format("{:.4g}", v);
    }
    // a token block: which token is hot, and how hot
    std::size_t best = 0, nonzero = 0;
    for (std::size_t i = 0; i < s.width; ++i) {
        if (x[s.offset + i].raw != 0) ++nonzero;
        if (x[s.offset + i] > x[s.offset + best]) best = i;
    }
    (void)name;
    if (nonzero == 0) return "·";
    char const c = vocabulary[best];
    std::string const tok = c == '\n' ? "\\n" : std::string(1, c);
    if (nonzero == 1 && x[s.offset + best] == fixed::from_int(1)) return tok;
    return fmt::format("{}({:.3f})", tok, x[s.offset + best].to_double());
}

struct traced_layer {
    std::string name;
    std::vector<std::string> values;  ///< one per register
    std::vector<std::string> changed;
    std::string attention;            ///< "row 4 '+'" for an attention layer
};

struct traced_token {
    std::size_t row = 0;
    char produced = 0;
    std::vector<traced_layer> layers;
};

template <class Model>
std::vector<traced_token> trace(prompt_tokens<Model::digits> const& prompt, std::size_t count) {
    auto const& layout = Model::net.layout;
    auto const regs = layout.entries();
    sequence<Model> s;
    for (auto id : prompt.ids) s.push(id);
    std::vector<traced_token> out;
    for (std::size_t t = 0; t < count; ++t) {
        traced_token tok;
        tok.row = s.size() - 1;
        auto previous = embed(layout, s.token(tok.row), tok.row);
        auto const x = s.forward(tok.row, nullptr, [&](std::string_view name, auto const& row, std::uint64_t used) {
            traced_layer l;
            l.name = std::string(name);
            for (auto const& [reg_name, sl] : regs) {
                l.values.push_back(decode(reg_name, sl, row.data()));
                for (std::size_t c = sl.offset; c < sl.offset + sl.width; ++c)
                    if (row[c] != previous[c]) {
                        l.changed.emplace_back(reg_name);
                        break;
                    }
            }
            if (used != 0) {
                std::vector<std::string> rows;
                for (std::size_t j = 0; j < 64; ++j)
                    if ((used >> j) & 1u) {
                        char const c = vocabulary[s.token(j)];
                        rows.push_back(fmt::format("row {} '{}'", j, c == '\n' ? std::string("\\n") : std::string(1, c)));
                    }
                l.attention = rows.size() == 1 ? rows[0] : fmt::format("{} rows", rows.size());
            }
            previous = row;
            tok.layers.push_back(std::move(l));
        });
        std::size_t const next = argmax(sequence<Model>::logits(x));
        tok.produced = vocabulary[next];
        out.push_back(std::move(tok));
        if (next == token::newline) break;  // the end of the answer
        s.push(next);
    }
    return out;
}

template <class Model>
void print_trace(std::vector<traced_token> const& tokens) {
    auto const regs = Model::net.layout.entries();
    std::size_t name_w = 5;
    for (auto const& t : tokens)
        for (auto const& l : t.layers) name_w = std::max(name_w, l.name.size());
    for (auto const& t : tokens) {
        fmt::print("row {} — the token it produces: '{}'\n", t.row, t.produced == '\n' ? std::string("\\n") : std::string(1, t.produced));
        fmt::print("  {:<{}}", "layer", name_w);
        for (auto const& r : regs) fmt::print(" {:>9}", r.first);
        fmt::print("  changed / attended\n");
        for (auto const& l : t.layers) {
            fmt::print("  {:<{}}", l.name, name_w);
            for (auto const& v : l.values) fmt::print(" {:>9}", v);
            std::string tail;
            for (auto const& c : l.changed) tail += (tail.empty() ? "" : ",") + c;
            if (!l.attention.empty()) tail += "  ← " + l.attention;
            fmt::print("  {}\n", tail);
        }
        fmt::print("\n");
    }
    fmt::print("@p: a cursor at position p (sin/cos of 2π·p/100); a digit: the one-hot digit a register holds;\n"
               "d(0.870): a blend, its largest entry; ·: empty.\n");
}

template <class Model>
std::string trace_json(std::vector<traced_token> const& tokens) {
    auto const regs = Model::net.layout.entries();
    std::string s = "{\n  \"registers\": [";
    for (std::size_t i = 0; i < regs.size(); ++i)
        s += fmt::format("{}{{\"name\": \"{}\", \"offset\": {}, \"width\": {}}}", i ? ", " : "", regs[i].first, regs[i].second.offset, regs[i].second.width);
    s += "],\n  \"tokens\": [";
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        auto const& tok = tokens[t];
        s += fmt::format("{}\n    {{\"row\": {}, \"produced\": \"{}\", \"layers\": [", t ? "," : "", tok.row, json_escape(std::string(1, tok.produced)));
        for (std::size_t k = 0; k < tok.layers.size(); ++k) {
            auto const& l = tok.layers[k];
            s += fmt::format("{}\n      {{\"layer\": \"{}\", \"registers\": {{", k ? "," : "", json_escape(l.name));
            for (std::size_t r = 0; r < regs.size(); ++r) s += fmt::format("{}\"{}\": \"{}\"", r ? ", " : "", regs[r].first, json_escape(l.values[r]));
            s += "}, \"changed\": [";
            for (std::size_t c = 0; c < l.changed.size(); ++c) s += fmt::format("{}\"{}\"", c ? ", " : "", l.changed[c]);
            s += fmt::format("], \"attention\": \"{}\"}}", json_escape(l.attention));
        }
        s += "\n    ]}";
    }
    s += "\n  ]\n}\n";
    return s;
}

}  // namespace ctformer::tools
