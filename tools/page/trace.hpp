// tools/page/trace.hpp — `ctformer trace`: the last row's registers after every layer, decoded, for
// each generated token; printed as a table or as JSON (tools/page/trace.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "registers.hpp"

namespace ctformer::tools {

struct traced_layer {
    std::string name;
    std::vector<std::string> values;  ///< one per register, in words
    std::vector<std::vector<double>> raw;  ///< one per register: its entries
    std::vector<std::string> changed;
    std::string attention;  ///< "row 4 '+'" for an attention layer
};

struct traced_token {
    std::size_t row = 0;
    char produced = 0;
    std::vector<traced_layer> layers;
};

struct trace_result {
    std::vector<named_slot> registers;
    std::vector<traced_token> tokens;
};

namespace detail {
/// What one layer did to the row: each register decoded, whether it changed, the rows attended.
template <class Row, class Previous, class Tokens>
traced_layer trace_layer(std::string_view name, std::vector<named_slot> const& regs, Row const& row, Previous const& previous,
                         std::uint64_t used, Tokens const& token_at, std::string_view vocabulary) {  // token_at(j): row j's character
    traced_layer l;
    l.name = std::string(name);
    for (auto const& [reg_name, sl] : regs) {
        l.values.push_back(decode(sl, row.data(), vocabulary));
        l.raw.push_back(values_of(sl, row.data()));
        for (std::size_t c = sl.offset; c < sl.offset + sl.width; ++c)
            if (row[c] != previous[c]) {
                l.changed.push_back(reg_name);
                break;
            }
    }
    if (used != 0) {
        std::vector<std::string> rows;
        for (std::size_t j = 0; j < 64; ++j)
            if ((used >> j) & 1u) rows.push_back(fmt::format("row {} '{}'", j, token_text(token_at(j))));
        l.attention = rows.size() == 1 ? rows[0] : fmt::format("{} rows", rows.size());
    }
    return l;
}
}  // namespace detail

/// The trace of a `digits`-digit prompt (token ids) for at most `count` generated tokens: generation
/// as users run it (ctformer::generate, the one generation loop), observed layer by layer.
template <class Model>
trace_result trace(std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) {
    constexpr std::string_view vocabulary = program_of_model<Model>::vocabulary;
    using row = typename sequence<Model>::row;
    struct seen {
        std::string_view name;
        row x;
        std::uint64_t used;
    };
    std::vector<seen> layers;  // every layer of every pass, in order
    auto const g = generate<Model>(digits, prompt, count,
                                   [&](std::string_view name, row const& x, std::uint64_t used) { layers.push_back({name, x, used}); });
    trace_result out{registers_of(Model::net.layout), {}};
    std::string const text(g.view());
    std::size_t const steps = layers.size() / (g.generated == 0 ? 1 : g.generated);
    for (std::size_t t = 0; t < g.generated; ++t) {
        traced_token tok;
        tok.row = prompt.size() - 1 + t;
        tok.produced = g.answer()[t];
        row previous = Model::net.embedding(vocabulary.find(text[tok.row]), tok.row);
        for (std::size_t k = t * steps; k < (t + 1) * steps; ++k) {
            tok.layers.push_back(detail::trace_layer(layers[k].name, out.registers, layers[k].x, previous, layers[k].used,
                                                     [&](std::size_t j) { return text[j]; }, vocabulary));
            previous = layers[k].x;
        }
        out.tokens.push_back(std::move(tok));
    }
    return out;
}

/// The trace as a table, one per generated token.
void print_trace(trace_result const& t);

/// The trace as JSON: per token and layer, each register in words ("registers") and its entries
/// as numbers ("values").
std::string trace_json(trace_result const& t);

}  // namespace ctformer::tools
