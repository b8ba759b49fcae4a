// ctformer/proof/feedback.hpp — the all-input proof's feedback premise: generation feeds each
// predicted token back as the next row, whatever the token and the row.
//
// The walk takes every answer row to hold the digit predicted for it, and the path premise runs
// ctformer::generate on one prompt only (0…0+0…0=), so a loop or a sequence that treated some token
// values differently would not be seen there. This premise runs the code generation runs around the
// forward pass — generation_loop, placing_predictor and the sequence it fills (runtime/generate.hpp,
// runtime/sequence.hpp) — with a predictor that names the tokens itself: every digit in every row
// (prompt rows and fed-back rows alike; the operation and '=' rows are the representative prompt's,
// premise (p)), and '\n' after every number of predictions. Before each prediction it checks that
// the rows forward will read are the tokens' own: the sequence's count, each row's token, its
// embedding (as forward's pass starts from it and as attention's value reader forms it) and every
// attention layer's cached key; after the loop, the text it wrote and where it stopped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "ctformer/detail/hana.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/program.hpp"
#include "ctformer/proof/text.hpp"
#include "ctformer/runtime/generate.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer::detail {

/// The feedback premise's verdict for one digit count.
struct feedback_verdict {
    bool holds = true;
    std::uint64_t cases = 0;  ///< rows checked before a prediction, and loops checked at their end
    std::size_t row = 0;  ///< the row found wrong
    std::size_t call = 0;  ///< the prediction before which it was found (the loop's end: the count made)
    char layer[48]{};  ///< what was wrong: "generation_loop" or "sequence"
    char what[160]{};
};

/// The premise's probe for `digits`-digit prompts of Model's program (a model whose digit count is
/// given at run time: the walk's).
template <class Model>
struct feedback_probe {
    using P = program_of_model<Model>;
    using shape = prompt_shape<P>;
    using tokens = std::array<std::uint8_t, max_rows>;
    static constexpr std::size_t layers = network_shape<std::remove_cvref_t<decltype(Model::net)>>::distinct;
    std::size_t digits, length = shape::prompt_length(digits), count = shape::answer_length(digits);
    feedback_verdict v{};

    explicit constexpr feedback_probe(std::size_t d) : digits(d) {}

    constexpr text_writer<160> fail(std::string_view where, std::size_t row, std::size_t call) {
        v.holds = false;
        v.row = row;
        v.call = call;
        text_writer<48>{v.layer} << where;
        return text_writer<160>{v.what};
    }

    /// Row j of seq, new since the last prediction, holds token t's embedding — as a pass starts from
    /// it (forward does so for row n − 1 only: from the prompt's last row on) and as attention's value
    /// reader forms it — and every attention layer's key of it.
    constexpr bool row_is_its_token(sequence<Model>& seq, std::size_t j, std::size_t t, std::size_t call) {
        auto const* const net = &Model::net;  // through a pointer: g++ copies a static constexpr aggregate on each access
        auto const e = net->embedding(t, j), from_reader = seq.embedding_of()(j);
        auto const from_seq = j + 1 >= length ? seq.embedding(j) : e;
        bool embeds = true;
        for (std::size_t c = 0; c < e.size() && embeds; ++c) embeds = from_reader[c].raw == e[c].raw && from_seq[c].raw == e[c].raw;
        bool caches = true;
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<layers>), [&](auto slot) {
            auto const& layer = sequence<Model>::distinct_layer(slot);
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                typename std::remove_cvref_t<decltype(layer)>::cache_entry want{};
                layer.fill_cache(want, e);
                if (seq.cache(slot)[j].k != want.k) caches = false;
            }
        });
        if (embeds && caches) return true;
        fail("sequence", j, call) << "row " << static_cast<long long>(j) << " holds token " << static_cast<long long>(t) << " but its "
                                  << (embeds ? "cached attention keys are" : "embedding is") << " not that token's";
        return false;
    }

    /// Before prediction `call`: as many rows as given and predicted, each with its token; the rows
    /// from `first_new` on (placed since the last prediction) also with its embedding and keys.
    constexpr bool rows_right(sequence<Model>& seq, std::size_t n, std::size_t call, std::size_t first_new, tokens const& expect) {
        if (n != length + call || seq.size() != n) {
            fail("generation_loop", n, call) << "before prediction " << static_cast<long long>(call) << " the sequence holds "
                                             << static_cast<long long>(seq.size()) << " rows and the loop passes "
                                             << static_cast<long long>(n) << ", not " << static_cast<long long>(length + call);
            return false;
        }
        for (std::size_t j = 0; j < n; ++j) {
            ++v.cases;
            if (seq.token(j) != expect[j]) {
                fail("generation_loop", j, call) << "row " << static_cast<long long>(j) << " holds token "
                                                 << static_cast<long long>(seq.token(j)) << " where token "
                                                 << static_cast<long long>(expect[j]) << " was given or predicted";
                return false;
            }
            if (j >= first_new && !row_is_its_token(seq, j, expect[j], call)) return false;
        }
        return true;
    }

    /// After the loop: `made` predictions (all `count`, or up to the `stop`-th, '\n'), and the text
    /// the tokens given and predicted.
    constexpr void end_right(generation<max_rows> const& g, std::size_t calls, std::size_t fill, std::size_t stop) {
        ++v.cases;
        std::size_t const made = stop < count ? stop + 1 : count;
        bool text_right = g.length == length + made && g.generated == made;
        for (std::size_t j = 0; text_right && j < g.length; ++j)
            text_right = g.text[j] == (j + 1 < length + made || stop >= count ? P::vocabulary[fill] : '\n');
        if (calls == made && text_right) return;
        fail("generation_loop", length + made - 1, calls)
            << "with token " << static_cast<long long>(fill) << " given and predicted" << (stop < count ? ", then '\\n'," : "")
            << " the loop made " << static_cast<long long>(calls) << " predictions and wrote " << static_cast<long long>(g.generated)
            << " tokens, not " << static_cast<long long>(made) << (calls == made ? " (or not those tokens)" : "");
    }

    /// Digit `fill` in every row: given in every prompt row, predicted at every step, through the
    /// sequence generate_with's predictor keeps.
    constexpr void fill_every_row(std::size_t fill) {
        tokens expect{};
        for (std::size_t j = 0; j < length + count && j < max_rows; ++j) expect[j] = static_cast<std::uint8_t>(fill);
        std::size_t calls = 0, checked = 0;
        sequence<Model> s(digits);
        auto next = [&](sequence<Model>& seq, std::size_t n, generation<max_rows>&) -> std::size_t {
            if (!v.holds || !rows_right(seq, n, calls, checked, expect)) return token::newline;
            checked = n;
            ++calls;
            return fill;
        };
        auto const g = generation_loop(P::vocabulary, std::span<std::uint8_t const>(expect.data(), length), count, placing_predictor(s, next));
        if (v.holds) end_right(g, calls, fill, count);
    }

    /// '\n' as the `stop`-th prediction ends the loop there (the rows are the loop's alone here).
    constexpr void stop_at(std::size_t stop) {
        tokens zeros{};
        std::size_t calls = 0;
        auto next = [&](std::uint8_t const*, std::size_t, generation<max_rows>&) -> std::size_t {
            return calls++ == stop ? std::size_t{token::newline} : 0;
        };
        auto const g = generation_loop(P::vocabulary, std::span<std::uint8_t const>(zeros.data(), length), count, next);
        end_right(g, calls, 0, stop);  // after the loop: `calls` is what it made
    }
};

/// Runs the premise for `digits`-digit prompts of Model's program: every digit fills a prompt of
/// the program's length and is predicted at every step, up to the answer's length; and for each k
/// below that, '\n' as the k-th prediction ends the loop.
template <class Model>
constexpr feedback_verdict feedback_of(std::size_t digits) {
    feedback_probe<Model> probe(digits);
    for (std::size_t fill = 0; fill < 10 && probe.v.holds; ++fill) probe.fill_every_row(fill);
    for (std::size_t stop = 0; stop < probe.count && probe.v.holds; ++stop) probe.stop_at(stop);
    return probe.v;
}

}  // namespace ctformer::detail
