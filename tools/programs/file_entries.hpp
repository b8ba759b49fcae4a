// tools/programs/file_entries.hpp — what `ctformer` runs for program P with `--weights FILE`
// (tools/common/weights_file.hpp): the same entries as program_entries.hpp, on P's network as read
// from the file, every prediction on the reference forward pass. One instantiation per program,
// in the units tools/programs/file_add.cpp, file_sub.cpp and file_mul.cpp.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "common/weights_file.hpp"
#include "page/trace.hpp"
#include "programs/program_entries.hpp"

namespace ctformer::tools {

/// The trace of a file's network: for each generated token, the predicting row after every layer
/// of the reference forward pass (which runs every row; the trace shows the last).
template <weights_from_file Model>
trace_result trace_from_file(std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) {
    using P = program_of_model<Model>;
    constexpr std::string_view vocabulary = P::vocabulary;
    constexpr std::size_t W = std::remove_cvref_t<decltype(Model::dense.layout)>::width;
    trace_result out{registers_of(Model::dense.layout), {}};
    auto const g = generate_from_file<Model>(digits, prompt, count);
    std::vector<std::uint8_t> tokens(prompt.begin(), prompt.end());
    for (char c : g.answer()) tokens.push_back(static_cast<std::uint8_t>(vocabulary.find(c)));
    for (std::size_t t = 0; t < g.generated; ++t) {
        traced_token tok;
        std::size_t const n = prompt.size() + t;  // rows 0..n − 1; the last predicts token t
        tok.row = n - 1;
        tok.produced = g.answer()[t];
        row_vector<W> previous = Model::dense.embedding(tokens[n - 1], n - 1);
        auto observe = [&](auto const& layer, row_vector<W> const* rows, std::size_t, std::int64_t const* pattern) {
            std::uint64_t used = 0;
            if (pattern)
                for (std::size_t j = 0; j < n; ++j)
                    if (pattern[(n - 1) * n + j] != 0) used |= std::uint64_t{1} << j;
            tok.layers.push_back(detail::trace_layer(layer.name, out.registers, rows[n - 1], previous, used,
                                                     [&](std::size_t j) { return vocabulary[tokens[j]]; }, vocabulary));
            previous = rows[n - 1];
        };
        reference_forward<Model>(digits, tokens.data(), n, nullptr, observe);
        out.tokens.push_back(std::move(tok));
    }
    return out;
}

/// Program P's entries on the network of a file (load_weights<P> reads it first).
template <program P>
program_ops::entries const& file_entries() {
    using M = file_model<P>;
    static constexpr program_ops::entries entries =
        entries_of<P, M, [](std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) { return generate_from_file<M>(digits, prompt, count); },
                   [](std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) { return trace_from_file<M>(digits, prompt, count); }>();
    return entries;
}

}  // namespace ctformer::tools
