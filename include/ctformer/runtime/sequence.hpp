// ctformer/runtime/sequence.hpp — the decoding state: cached rows, push, pop, greedy generation.
//
// Which work is done: attention reads earlier rows only through their keys and values, and
// attention_reads_only_the_embedding() proves at compile time that no layer writes a column that
// a key or value reads. So an earlier row's keys and values at every layer are those of its
// embedding: push(token) embeds the row and fills every attention layer's cache from the
// embedding — nothing more — and the layers run for a row only when its output is asked for
// (next_token). Prompt rows are never run through the layers: nothing reads their outputs.
// tests/test_paths.cpp shows this bit-identical to running every row through every layer.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include <boost/hana.hpp>

#include "ctformer/model/adder.hpp"
#include "ctformer/model/prompt.hpp"

namespace ctformer {

/// Thrown when a sequence grows past max_rows or pops an empty sequence.
struct sequence_error : std::length_error {
    using std::length_error::length_error;
};

template <class Model>
class sequence {
public:
    static constexpr auto const& net = Model::net;
    static constexpr std::size_t width = std::remove_cvref_t<decltype(net.layout)>::width;
    static constexpr std::size_t capacity = max_rows;
    using row = row_vector<width>;

    static_assert(attention_reads_only_the_embedding(Model::net),
                  "ctformer::sequence: a layer writes a column that attention reads from earlier rows; "
                  "the cached-embedding shortcut would be wrong for this network");

    constexpr std::size_t size() const { return n_; }
    constexpr std::uint8_t token(std::size_t i) const { return tokens_[i]; }

    constexpr void push(std::size_t tok) {
        if (n_ >= capacity) throw sequence_error("ctformer::sequence::push: the sequence is full (64 rows)");
        if (tok >= vocab_size) throw sequence_error("ctformer::sequence::push: token id outside the vocabulary");
        fill_row(n_, tok);
        ++n_;
    }

    /// Replaces the token of row j (< size()). Nothing but row j's embedding and cache entries
    /// depend on it (the cached-embedding shortcut), so this equals popping back to j, pushing the
    /// new token and pushing the old rows after it again.
    constexpr void set(std::size_t j, std::size_t tok) {
        if (j >= n_) throw sequence_error("ctformer::sequence::set: no such row");
        if (tok >= vocab_size) throw sequence_error("ctformer::sequence::set: token id outside the vocabulary");
        if (tokens_[j] != tok) {
            fill_row(j, tok);
            ++version_;
        }
    }

    constexpr void pop() {
        if (n_ == 0) throw sequence_error("ctformer::sequence::pop: the sequence is empty");
        --n_;
        ++version_;
    }

    static constexpr std::size_t prologue_layers = decltype(hana::size(net.prologue))::value;
    static constexpr std::size_t body_layers = decltype(hana::size(net.body))::value;
    static constexpr std::size_t epilogue_layers = decltype(hana::size(net.epilogue))::value;
    static constexpr std::size_t layers = prologue_layers + body_layers * Model::digits + epilogue_layers;

    /// A set of columns of a row, as bits.
    struct column_set {
        std::uint64_t lo = 0, hi = 0;
        constexpr void add(std::size_t c) { (c < 64 ? lo : hi) |= std::uint64_t{1} << (c % 64); }
        constexpr bool meets(column_set const& o) const { return (lo & o.lo) != 0 || (hi & o.hi) != 0; }
        constexpr bool contains(std::size_t c) const { return (((c < 64 ? lo : hi) >> (c % 64)) & 1u) != 0; }
        constexpr void unite(column_set const& o) { lo |= o.lo, hi |= o.hi; }
        constexpr void remove(column_set const& o) { lo &= ~o.lo, hi &= ~o.hi; }
    };
    static_assert(width <= 128, "ctformer::sequence: column sets hold up to 128 columns");

    /// Per layer (in pass order): the columns of the row it reads, the columns it writes, and
    /// where its updates start in a memo (packed, layer after layer); per segment (the prologue,
    /// each body pass, the epilogue): the columns it writes.
    struct layer_io {
        std::array<column_set, layers> reads{}, writes{};
        std::array<std::size_t, layers + 1> read_offset{}, update_offset{};
        std::array<column_set, Model::digits + 2> segment_writes{};
        std::array<std::array<std::uint16_t, width>, Model::digits + 2> segment_write_list{};  ///< the same, as column lists
        std::array<std::size_t, Model::digits + 2> segment_write_count{};
        std::array<bool, layers> keys_read_tokens{}, values_read_tokens{};  ///< attention: can a row's key (value) change with its token?
    };
    static constexpr layer_io io_layout = [] {
        layer_io o{};
        std::size_t k = 0;
        auto add = [&](auto const& layer) {
            // segment 0: the prologue; 1..D: the body passes; D + 1: the epilogue
            std::size_t const segment = k < prologue_layers ? 0 : 1 + std::min((k - prologue_layers) / body_layers, Model::digits);
            for (auto c : layer.read_columns()) o.reads[k].add(c);
            for (auto c : layer.out_cols) o.writes[k].add(c);
            o.segment_writes[segment].unite(o.writes[k]);
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                o.keys_read_tokens[k] = layer.key_reads_below(vocab_size);
                o.values_read_tokens[k] = layer.value_reads_below(vocab_size);
            }
            o.read_offset[k + 1] = o.read_offset[k] + layer.read_columns().size();
            o.update_offset[k + 1] = o.update_offset[k] + layer.out_cols.size();
            ++k;
        };
        for_each_layer(net, Model::digits, add);
        for (std::size_t sg = 0; sg < Model::digits + 2; ++sg)
            for (std::size_t c = 0; c < width; ++c)
                if (o.segment_writes[sg].contains(c)) o.segment_write_list[sg][o.segment_write_count[sg]++] = static_cast<std::uint16_t>(c);
        return o;
    }();

    /// What the forward passes of one row computed, layer by layer, so that a later pass of the
    /// same row can reuse every layer whose inputs provably did not change (see forward). For each
    /// layer of the previous pass: the values of the columns it read from the row, and what it
    /// added to the columns it writes.
    struct memo {
        bool valid = false;
        std::size_t row = 0;
        std::array<std::uint8_t, capacity> tokens{};                         ///< rows 0..row when recorded
        std::array<std::int64_t, io_layout.read_offset[layers]> inputs{};     ///< per layer: its read columns' values
        std::array<std::int64_t, io_layout.update_offset[layers]> updates{};  ///< per layer: what it added, per written column
        std::array<std::uint64_t, layers> used_rows{};                      ///< attention: rows that got a nonzero weight
        std::array<attention_probe, layers> probes{};                       ///< attention: query, top and runner-up scores
        std::array<margins, layers> layer_margins{};
        std::array<sequence::row, Model::digits + 2> segment_out{};       ///< the row after the prologue, each pass, the epilogue
        std::array<margins, Model::digits + 2> segment_margins{};  ///< the margins of each segment's layers
    };

    /// Runs row i (rows 0..i must be present) through every layer; returns its final residual.
    /// `observe(name, row, used)` is called after each layer, for tracing; `used` is, for an
    /// attention layer, the set of rows that got a nonzero weight (bit j: row j), 0 for an MLP.
    template <class Observe>
    constexpr row forward(std::size_t i, margins* m, Observe&& observe) const {
        if (i >= n_) throw sequence_error("ctformer::sequence::forward: no such row");
        row x = embed(net.layout, tokens_[i], i);
        auto const row_of = embedding_of();
        auto step = [&](auto const& layer, auto const& cache) {
            std::uint64_t const used = layer.apply(x, cache.data(), i + 1, m, row_of);
            observe(layer.name, x, used);
        };
        hana::for_each(indices(net.prologue), [&](auto l) { step(net.prologue[l], prologue_cache_[l]); });
        for (std::size_t r = 0; r < Model::digits; ++r)
            hana::for_each(indices(net.body), [&](auto l) { step(net.body[l], body_cache_[l]); });
        hana::for_each(indices(net.epilogue), [&](auto l) { step(net.epilogue[l], epilogue_cache_[l]); });
        return x;
    }

    /// forward(i, m) with a memo of earlier passes of the same row: the same bits, with every layer
    /// whose update provably equals the recorded one not run again.
    ///
    /// An MLP's update is a function of the columns it reads; an attention layer's is a function
    /// of its query columns and of the cached keys and values of rows 0..i. The pass tracks which
    /// columns may differ from the previous pass's row ("moved"). A layer is reused when its read
    /// columns hold the previous pass's values (it reads no moved column, or the moved ones it
    /// reads compare equal to the recorded values) and (for attention) every row whose token changed since the memo was written
    /// has the same key as before and either the same value or a zero weight in the recorded pass
    /// — then the scores, the weights and the sum are the same numbers. The recorded update is then
    /// added to the columns the layer writes. A layer run again that updates a column differently
    /// moves that column. A whole segment (the prologue, a body pass, the epilogue) that would be
    /// reused layer by layer and writes no moved column takes its recorded output on the columns
    /// it writes. The result is the same bits as forward(i, m)
    /// (tests/test_paths.cpp); the checker walks the prompts in an order that makes many reuses.
    ///
    /// `previous_row`, if given, is the memo of row i − 1's pass over the same tokens (the answer
    /// row before this one). A layer that cannot be reused from `mem` is taken from it when its
    /// read columns hold the same values there — the layers that do not depend on the row's
    /// position (the reads, the add table, carry_out, end_token) then run once per prompt, not
    /// once per answer row. For attention, row i is the one row this pass sees that row i − 1's
    /// did not: it must score so far below the top that exp rounds its weight to exactly 0 (and
    /// the runner-up score and the reported score gap are updated with it).
    constexpr row forward(std::size_t i, margins* m, memo& mem, memo const* previous_row = nullptr) const {
        if (i >= n_) throw sequence_error("ctformer::sequence::forward: no such row");
        row x = embed(net.layout, tokens_[i], i);
        bool const recorded = mem.valid && mem.row == i;
        bool alternative = previous_row != nullptr && previous_row->valid && previous_row->row + 1 == i;
        for (std::size_t j = 0; j < i && alternative; ++j)
            if (previous_row->tokens[j] != tokens_[j]) alternative = false;
        // The rows whose token changed since the memo was written (row i itself included: its own
        // token reaches the layers through its read columns and through its own cache entry).
        constexpr std::size_t max_changed = 4;
        std::array<std::size_t, max_changed> changed{};
        std::size_t n_changed = 0;
        bool attention_reusable = recorded;
        if (recorded)
            for (std::size_t j = 0; j <= i && attention_reusable; ++j)
                if (mem.tokens[j] != tokens_[j]) {
                    if (n_changed == max_changed) attention_reusable = false;
                    else changed[n_changed++] = j;
                }
        std::array<row, max_changed> old_rows{};  // the changed rows' embeddings when the memo was written
        if (attention_reusable)
            for (std::size_t c = 0; c < n_changed; ++c) old_rows[c] = embed(net.layout, mem.tokens[changed[c]], changed[c]);
        // `moved`: the columns where x may differ from the previous pass's row at this layer. At
        // first only the row's own token columns, if its token changed; then every column that a
        // layer, run again, updated differently. A column outside `moved` holds the previous
        // pass's value, so a layer that reads none of them gets the inputs it had then; a layer
        // that reads some compares their values with the recorded ones, and where all are equal
        // they are not moved any more.
        column_set moved{};
        if (recorded && mem.tokens[i] != tokens_[i]) {
            moved.add(mem.tokens[i]);
            moved.add(tokens_[i]);
        }
        if (!recorded) moved = column_set{~std::uint64_t{0}, ~std::uint64_t{0}};
        // Would attention layer k, given the recorded query, compute the recorded update? A changed
        // row's key and value are those of its embedding; only the token block of an embedding
        // changed, so only a key or value that reads it can differ.
        auto attention_unchanged = [&](auto const& layer, auto const& cache, std::size_t k) {
            using layer_t = std::remove_cvref_t<decltype(layer)>;
            if (!attention_reusable) return false;
            bool const keys_move = io_layout.keys_read_tokens[k], values_move = io_layout.values_read_tokens[k];
            for (std::size_t c = 0; c < n_changed; ++c) {
                std::size_t const j = changed[c];
                typename layer_t::cache_entry before{};
                if (keys_move) {
                    layer.fill_key(before, old_rows[c]);
                    if (before.k != cache[j].k) return false;
                }
                if (values_move && ((mem.used_rows[k] >> j) & 1u))
                    if (layer.value_of(old_rows[c]) != layer.value_of(embed(net.layout, tokens_[j], j))) return false;
            }
            return true;
        };
        std::size_t k = 0;  // layer index
        auto step = [&](auto const& layer, auto const& cache, margins& segment) {
            using layer_t = std::remove_cvref_t<decltype(layer)>;
            std::int64_t* const in = mem.inputs.data() + io_layout.read_offset[k];
            std::int64_t* const upd = mem.updates.data() + io_layout.update_offset[k];
            auto const& reads = layer.read_columns();
            bool reuse = recorded;
            if (reuse && io_layout.reads[k].meets(moved)) {
                // Compare the values: columns that moved may have come back to the previous pass's.
                for (std::size_t r = 0; r < reads.size() && reuse; ++r)
                    if (x[reads[r]].raw != in[r]) reuse = false;
                if (reuse) moved.remove(io_layout.reads[k]);
            }
            if constexpr (layer_t::is_attention) reuse = reuse && attention_unchanged(layer, cache, k);
            auto const& writes = layer.out_cols;
            // Not from this row's previous pass: from row i − 1's pass over the same tokens?
            bool borrowed = false;
            if (!reuse && alternative) {
                std::int64_t const* alt_in = previous_row->inputs.data() + io_layout.read_offset[k];
                borrowed = true;
                for (std::size_t r = 0; r < reads.size() && borrowed; ++r)
                    if (x[reads[r]].raw != alt_in[r]) borrowed = false;
                attention_probe probe = previous_row->probes[k];
                margins lm = previous_row->layer_margins[k];
                if constexpr (layer_t::is_attention) {
                    if (borrowed) {
                        std::int64_t const sc = layer.score_of(probe.q.data(), cache[i].k.data());
                        if (sc - probe.top >= detail::exp_zero_below) borrowed = false;  // row i would get a weight
                        else if (sc > probe.second) {
                            probe.second = sc;
                            if (probe.top - sc < lm.attention_gap.raw) lm.attention_gap = fixed::from_raw(probe.top - sc);
                        }
                    }
                }
                if (borrowed) {
                    std::int64_t const* alt_upd = previous_row->updates.data() + io_layout.update_offset[k];
                    for (std::size_t r = 0; r < reads.size(); ++r) in[r] = alt_in[r];
                    for (std::size_t o = 0; o < writes.size(); ++o) {
                        if (alt_upd[o] != upd[o]) moved.add(writes[o]);  // a different update: the column moved
                        upd[o] = alt_upd[o];
                        if (__builtin_add_overflow(x[writes[o]].raw, upd[o], &x[writes[o]].raw))
                            detail::throw_overflow("ctformer: residual overflows");
                    }
                    mem.used_rows[k] = previous_row->used_rows[k];
                    mem.probes[k] = probe;
                    mem.layer_margins[k] = lm;
                }
            }
            if (reuse) {
                for (std::size_t o = 0; o < writes.size(); ++o)
                    if (__builtin_add_overflow(x[writes[o]].raw, upd[o], &x[writes[o]].raw))
                        detail::throw_overflow("ctformer: residual overflows");
            } else if (!borrowed) {
                for (std::size_t r = 0; r < reads.size(); ++r) in[r] = x[reads[r]].raw;
                std::array<std::int64_t, std::tuple_size_v<std::remove_cvref_t<decltype(writes)>>> pre{};
                for (std::size_t o = 0; o < writes.size(); ++o) pre[o] = x[writes[o]].raw;
                margins lm{};
                mem.used_rows[k] = layer.apply(x, cache.data(), i + 1, &lm, embedding_of(), &mem.probes[k]);
                for (std::size_t o = 0; o < writes.size(); ++o) {
                    std::int64_t const u = x[writes[o]].raw - pre[o];
                    if (u != upd[o]) moved.add(writes[o]);  // a different update: the column moved
                    upd[o] = u;
                }
                mem.layer_margins[k] = lm;
            }
            segment.merge(mem.layer_margins[k]);
            ++k;
        };
        // A segment whose layers read no moved column, whose attention layers see unchanged rows,
        // and which writes no moved column, adds what it added in the previous pass: its written
        // columns take the recorded output, the others keep their values.
        auto run_segment = [&](auto const& layers_tuple, auto const& caches, std::size_t s) {
            constexpr std::size_t count = decltype(hana::size(layers_tuple))::value;
            if (recorded && !io_layout.segment_writes[s].meets(moved)) {
                bool skip = true;
                hana::for_each(indices(layers_tuple), [&](auto l) {
                    if (!skip) return;
                    if (io_layout.reads[k + l].meets(moved)) skip = false;
                    else if constexpr (std::remove_cvref_t<decltype(layers_tuple[l])>::is_attention)
                        skip = attention_unchanged(layers_tuple[l], caches[l], k + l);
                });
                if (skip) {
                    auto const& list = io_layout.segment_write_list[s];
                    for (std::size_t w = 0; w < io_layout.segment_write_count[s]; ++w) x[list[w]] = mem.segment_out[s][list[w]];
                    if (m) m->merge(mem.segment_margins[s]);
                    k += count;
                    return;
                }
            }
            margins segment{};
            hana::for_each(indices(layers_tuple), [&](auto l) { step(layers_tuple[l], caches[l], segment); });
            mem.segment_out[s] = x;
            mem.segment_margins[s] = segment;
            if (m) m->merge(segment);
        };
        run_segment(net.prologue, prologue_cache_, 0);
        for (std::size_t r = 0; r < Model::digits; ++r) run_segment(net.body, body_cache_, 1 + r);
        run_segment(net.epilogue, epilogue_cache_, 1 + Model::digits);
        for (std::size_t j = 0; j <= i; ++j) mem.tokens[j] = tokens_[j];
        mem.row = i;
        mem.valid = true;
        return x;
    }
    constexpr row forward(std::size_t i, margins* m = nullptr) const {
        return forward(i, m, [](std::string_view, row const&, std::uint64_t) {});
    }

    /// What one row's forward pass computed, kept for the next row's (generation: each answer row
    /// after the first). Per layer, what it added to the row (the columns it changed and by how
    /// much, packed layer after layer); per attention layer, its query and its top and runner-up
    /// scores.
    struct pass_record {
        bool valid = false;
        std::size_t row = 0;
        std::uint64_t version = 0;  ///< the sequence's version when recorded
        std::array<std::uint16_t, io_layout.update_offset[layers]> columns{};
        std::array<std::int64_t, io_layout.update_offset[layers]> updates{};
        std::array<std::uint16_t, layers> count{};  ///< per layer: the columns it changed
        std::array<attention_probe, layers> probes{};
    };

    /// forward(i, m) that reuses row i − 1's pass, recorded in `rec` (and records row i's there):
    /// the same bits, with every layer whose update provably equals the recorded one not run.
    ///
    /// Row i's embedding differs from row i − 1's in two columns of the token block (unless the
    /// tokens are equal) and in the pos register: embed() writes nothing else. The pass tracks the
    /// columns where its row may differ from row i − 1's at the same layer ("moved"): at first
    /// those; then every column a layer, run again, updated differently. An MLP's update is a
    /// function of the columns it reads, so one that reads no moved column adds the recorded
    /// update. An attention layer whose query equals the recorded one (it reads no moved column, or
    /// the query it forms compares equal) scores rows 0..i − 1 as before — their tokens, and so
    /// their keys and values, are the ones the recorded pass saw (the version check) — and row i,
    /// the one row more, must score so far below the top that exp rounds its weight to exactly 0:
    /// then the weights and the sum are the same numbers. Margins: a reused layer's are the
    /// recorded pass's, already merged into m, except the attention score gap, which row i can
    /// narrow. In the seed's network this runs once per prompt, not once per answer row, every
    /// layer that does not depend on the row's position (the find steps, clear, the cursor steps,
    /// the reads, the add table, carry_out, end_token). Bit-identical to forward(i, m)
    /// (tests/test_paths.cpp).
    constexpr row forward(std::size_t i, margins* m, pass_record& rec) const {
        if (i >= n_) throw sequence_error("ctformer::sequence::forward: no such row");
        row x = embed(net.layout, tokens_[i], i);
        auto const row_of = embedding_of();
        bool const reuse = rec.valid && rec.version == version_ && rec.row + 1 == i;
        column_set moved{~std::uint64_t{0}, ~std::uint64_t{0}};
        if (reuse) {
            moved = column_set{};
            moved.add(tokens_[i - 1]);
            moved.add(tokens_[i]);
            moved.add(net.layout[reg::pos][0]);
            moved.add(net.layout[reg::pos][1]);
        }
        // Raw pointers, not operator[]: see compiled_mlp::apply.
        fixed* const xp = x.data();
        std::uint16_t* const rec_columns = rec.columns.data();
        std::int64_t* const rec_updates = rec.updates.data();
        std::uint16_t* const rec_count = rec.count.data();
        attention_probe* const probes = rec.probes.data();
        std::size_t const* const offsets = io_layout.update_offset.data();
        column_set const* const reads = io_layout.reads.data();
        std::size_t k = 0;  // layer index
        auto step = [&](auto const& layer, auto const& cache) {
            using layer_t = std::remove_cvref_t<decltype(layer)>;
            std::size_t const off = offsets[k];
            bool same = reuse && !reads[k].meets(moved);
            if constexpr (layer_t::is_attention) {
                attention_probe& p = probes[k];
                if (reuse && !same) {  // the query reads a moved column: is it the recorded query?
                    attention_probe q{};
                    layer.fill_query(x, q.q.data());
                    same = q.q == p.q;
                }
                if (same) {  // row i must get weight 0
                    std::int64_t const sc = layer.score_of(p.q.data(), cache[i].k.data());
                    if (sc - p.top >= detail::exp_zero_below) same = false;
                    else if (sc > p.second) {
                        p.second = sc;
                        if (m && p.top - sc < m->attention_gap.raw) m->attention_gap = fixed::from_raw(p.top - sc);
                    }
                }
            }
            if (same) {
                for (std::size_t e = off; e < off + rec_count[k]; ++e)
                    if (__builtin_add_overflow(xp[rec_columns[e]].raw, rec_updates[e], &xp[rec_columns[e]].raw))
                        detail::throw_overflow("ctformer: residual overflows");
            } else if (!reuse) {  // nothing to compare with: record
                update_sink sink{rec_columns + off, rec_updates + off};
                layer.apply(x, cache.data(), i + 1, m, row_of, probes + k, &sink);
                rec_count[k] = static_cast<std::uint16_t>(sink.n);
            } else {
                constexpr std::size_t writes = std::tuple_size_v<std::remove_cvref_t<decltype(layer.out_cols)>>;
                std::array<std::uint16_t, (writes > 0 ? writes : 1)> column_store;  // written by apply
                std::array<std::int64_t, (writes > 0 ? writes : 1)> update_store;
                std::uint16_t* const columns = column_store.data();
                std::int64_t* const updates = update_store.data();
                update_sink sink{columns, updates};
                layer.apply(x, cache.data(), i + 1, m, row_of, probes + k, &sink);
                bool differs = sink.n != rec_count[k];
                for (std::size_t e = 0; e < sink.n && !differs; ++e)
                    differs = columns[e] != rec_columns[off + e] || updates[e] != rec_updates[off + e];
                if (differs) {  // the columns either pass changed may hold different values now
                    for (std::size_t e = off; e < off + rec_count[k]; ++e) moved.add(rec_columns[e]);
                    for (std::size_t e = 0; e < sink.n; ++e) {
                        moved.add(columns[e]);
                        rec_columns[off + e] = columns[e];
                        rec_updates[off + e] = updates[e];
                    }
                    rec_count[k] = static_cast<std::uint16_t>(sink.n);
                }
            }
            ++k;
        };
        hana::for_each(indices(net.prologue), [&](auto l) { step(net.prologue[l], prologue_cache_[l]); });
        for (std::size_t r = 0; r < Model::digits; ++r)
            hana::for_each(indices(net.body), [&](auto l) { step(net.body[l], body_cache_[l]); });
        hana::for_each(indices(net.epilogue), [&](auto l) { step(net.epilogue[l], epilogue_cache_[l]); });
        rec.valid = true;
        rec.row = i;
        rec.version = version_;
        return x;
    }

    /// Logits of the unembedding for a final residual row (only its nonzero rows are read; the
    /// sums are exact, so this equals the dense product).
    static constexpr row_vector<vocab_size> logits(row const& x) {
        row_vector<vocab_size> l{};
        for (std::size_t t = 0; t < vocab_size; ++t) {
            i128 acc = 0;
            for (std::size_t e = unembed_lists.start[t]; e < unembed_lists.start[t + 1]; ++e)
                acc += i128{x[unembed_lists.index[e]].raw} * unembed_lists.weight[e];
            l[t] = fixed::from_raw(detail::round_shift_32(acc));
        }
        return l;
    }

    /// The token the network predicts after the last row (greedy: argmax of the logits).
    constexpr std::size_t next_token(margins* m = nullptr, row* last = nullptr, memo* mem = nullptr) const {
        return predict(n_ - 1, m, last, mem);
    }

    /// The token the network predicts after row i (rows after i, if any, do not take part).
    /// With a memo: see forward (`previous_row`: the memo of row i − 1 over the same tokens).
    constexpr std::size_t predict(std::size_t i, margins* m = nullptr, row* last = nullptr, memo* mem = nullptr,
                                  memo const* previous_row = nullptr) const {
        row const x = mem ? forward(i, m, *mem, previous_row) : forward(i, m, [](std::string_view, row const&, std::uint64_t) {});
        if (last) *last = x;
        return choose(x, m);
    }
    /// The same, reusing row i − 1's pass (see forward with a pass_record).
    constexpr std::size_t predict(std::size_t i, margins* m, row* last, pass_record& rec) const {
        row const x = forward(i, m, rec);
        if (last) *last = x;
        return choose(x, m);
    }

private:
    /// The token a final residual row predicts (greedy), and its logit gap.
    static constexpr std::size_t choose(row const& x, margins* m) {
        auto const l = logits(x);
        std::size_t const best = argmax(l);
        if (m) {
            for (std::size_t t = 0; t < vocab_size; ++t) {
                if (t == best) continue;
                fixed const gap = l[best] - l[t];
                if (gap < m->logit_gap) m->logit_gap = gap;
            }
        }
        return best;
    }

    static constexpr auto unembed_profile = profile(net.unembed);
    static constexpr auto unembed_lists = [] {
        std::array<std::uint16_t, vocab_size> all{};
        for (std::size_t t = 0; t < vocab_size; ++t) all[t] = static_cast<std::uint16_t>(t);
        return by_column<unembed_profile.nnz>(net.unembed, all);
    }();
    static_assert(exact_sums_fit(unembed_lists, 0), "ctformer: the unembedding's weights are too large for exact sums");

    template <class Tuple>
    static constexpr auto indices(Tuple const& t) {
        return hana::to_tuple(hana::make_range(hana::size_c<0>, hana::size(t)));
    }
    template <class Tuple>
    static constexpr auto make_caches(Tuple const& t) {
        return hana::transform(t, [](auto const& layer) {
            return std::array<typename std::remove_cvref_t<decltype(layer)>::cache_entry, capacity>{};
        });
    }
    template <class F>
    constexpr void for_each_layer_with_cache(F&& f) {
        hana::for_each(indices(net.prologue), [&](auto k) { f(net.prologue[k], prologue_cache_[k]); });
        hana::for_each(indices(net.body), [&](auto k) { f(net.body[k], body_cache_[k]); });
        hana::for_each(indices(net.epilogue), [&](auto k) { f(net.epilogue[k], epilogue_cache_[k]); });
    }

    /// row_of(j): row j's embedding, the input attention forms a row's value from.
    constexpr auto embedding_of() const {
        return [this](std::size_t j) { return embed(net.layout, tokens_[j], j); };
    }

    /// Row j holds `tok`: its embedding fills every attention layer's cache entry j.
    constexpr void fill_row(std::size_t j, std::size_t tok) {
        row const e = embed(net.layout, tok, j);
        auto fill = [&](auto const& layer, auto& cache) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) layer.fill_cache(cache.data()[j], e);
        };
        for_each_layer_with_cache(fill);
        tokens_[j] = static_cast<std::uint8_t>(tok);
    }

    std::array<std::uint8_t, capacity> tokens_{};
    std::size_t n_ = 0;
    std::uint64_t version_ = 0;  ///< changes whenever a present row changes or goes (set, pop); push keeps it
    decltype(make_caches(net.prologue)) prologue_cache_{};
    decltype(make_caches(net.body)) body_cache_{};
    decltype(make_caches(net.epilogue)) epilogue_cache_{};
};

}  // namespace ctformer
