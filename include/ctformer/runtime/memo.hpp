// ctformer/runtime/memo.hpp — memo_reuse, the forward pass's policy that reuses recorded passes.
//
// A row_memo records one row's pass: per layer of the program, what the layer added to the row
// (the columns it changed and by how much), and for attention its query, top and runner-up score.
// A pass of row i may draw on two sources:
//  * the previous row: row i − 1's pass over the same earlier rows (generation: every answer row
//    after the first; the checker: the answer row before this one);
//  * the same row: row i's own pass in the previous prompt (the checker, AcrossPrompts), whose
//    earlier rows differ in a few tokens.
// For each source the pass tracks the columns where its row may differ from the source's row at
// the same layer ("moved"). An MLP's update is a function of the columns it reads; an attention
// layer's, of its query and of the earlier rows' keys and values. So a layer adds the source's
// recorded update, without running, when:
//  * previous row: it reads no moved column (for attention: or its query equals the recorded one),
//    and for attention row i — the one row more than row i − 1's pass saw — scores so far below
//    the top that exp rounds its weight to exactly 0 (row_weight_is_zero);
//  * same row: its read columns hold the recorded values, and for attention every row whose token
//    changed has the key it had (and the value, if that row got a weight).
// A layer that runs and updates a column differently from a source moves that column for that
// source. With AcrossPrompts a whole segment (the prologue, a body pass, the epilogue) that reads
// and writes no moved column takes its recorded output. The result is the same bits as no_reuse.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <boost/hana.hpp>

#include "ctformer/layers/update.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// A set of columns of a row, as bits.
struct column_set {
    std::uint64_t lo = 0, hi = 0;
    static constexpr column_set all() { return {~std::uint64_t{0}, ~std::uint64_t{0}}; }
    constexpr void add(std::size_t c) { (c < 64 ? lo : hi) |= std::uint64_t{1} << (c % 64); }
    constexpr bool meets(column_set const& o) const { return (lo & o.lo) != 0 || (hi & o.hi) != 0; }
    constexpr bool contains(std::size_t c) const { return (((c < 64 ? lo : hi) >> (c % 64)) & 1u) != 0; }
    constexpr void unite(column_set const& o) { lo |= o.lo, hi |= o.hi; }
    constexpr void remove(column_set const& o) { lo &= ~o.lo, hi &= ~o.hi; }
};

/// What each layer of the program reads and writes, and where its entries start in a memo.
template <class Model>
struct program_io {
    using shape = network_shape<std::remove_cvref_t<decltype(Model::net)>>;
    static constexpr std::size_t width = sequence<Model>::width;
    static constexpr std::size_t steps = shape::steps(Model::digits);
    static constexpr std::size_t segments = shape::segments(Model::digits);
    static_assert(width <= 128, "ctformer::program_io: column sets hold up to 128 columns");

    std::array<column_set, steps> reads{}, writes{};
    std::array<std::size_t, steps + 1> read_offset{}, update_offset{};
    std::array<column_set, segments> segment_reads{}, segment_writes{};
    std::array<std::array<std::uint16_t, width>, segments> segment_write_list{};
    std::array<std::size_t, segments> segment_write_count{};
    std::array<bool, shape::distinct> keys_read_tokens{}, values_read_tokens{};  ///< attention: can a row's key (value) change with its token?
    std::size_t max_writes = 1;

    static constexpr program_io make() {
        program_io o{};
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto slot) {
            std::size_t const k = step.index;
            for (auto c : layer.read_columns()) o.reads[k].add(c);
            for (auto c : layer.out_cols) o.writes[k].add(c);
            o.segment_reads[step.segment].unite(o.reads[k]);
            o.segment_writes[step.segment].unite(o.writes[k]);
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                o.keys_read_tokens[slot] = layer.key_reads_below(vocab_size);
                o.values_read_tokens[slot] = layer.value_reads_below(vocab_size);
            }
            o.read_offset[k + 1] = o.read_offset[k] + layer.read_columns().size();
            o.update_offset[k + 1] = o.update_offset[k] + layer.out_cols.size();
            if (layer.out_cols.size() > o.max_writes) o.max_writes = layer.out_cols.size();
        });
        for (std::size_t sg = 0; sg < segments; ++sg)
            for (std::size_t c = 0; c < width; ++c)
                if (o.segment_writes[sg].contains(c))
                    o.segment_write_list[sg][o.segment_write_count[sg]++] = static_cast<std::uint16_t>(c);
        return o;
    }
};
template <class Model>
inline constexpr program_io<Model> io_of = program_io<Model>::make();

/// One row's recorded pass. AcrossPrompts adds what the same row's next pass, in another prompt,
/// needs: the tokens, each layer's read values and margins, and each segment's output.
template <class Model, bool AcrossPrompts>
struct row_memo {
    static constexpr bool across_prompts = AcrossPrompts;
    static constexpr auto const& io = io_of<Model>;
    static constexpr std::size_t steps = program_io<Model>::steps;
    static constexpr std::size_t across(std::size_t n) { return AcrossPrompts ? n : 1; }

    bool valid = false;
    std::size_t row = 0;
    std::uint64_t version = 0;  ///< the sequence's version when recorded
    std::array<std::uint16_t, steps> count{};  ///< per layer: the columns it changed
    std::array<std::uint16_t, io.update_offset[steps]> columns{};
    std::array<std::int64_t, io.update_offset[steps]> updates{};
    std::array<attention_probe, steps> probes{};
    std::array<std::uint64_t, steps> used_rows{};
    std::array<std::uint8_t, across(max_rows)> tokens{};  ///< rows 0..row
    std::array<std::int64_t, across(io.read_offset[steps])> inputs{};  ///< per layer: its read columns' values
    std::array<margins, across(steps)> layer_margins{};
    std::array<typename sequence<Model>::row, across(program_io<Model>::segments)> segment_out{};
    std::array<margins, across(program_io<Model>::segments)> segment_margins{};
};

namespace detail {
/// Does row i, scored by a recorded query, get weight exactly 0 beside the recorded top score? If
/// so the probe's runner-up and the margins' score gap take row i's score into account.
template <class Layer, class Cache>
constexpr bool row_weight_is_zero(Layer const& layer, Cache const& cache, std::size_t i, attention_probe& p, margins* m) {
    std::int64_t const sc = layer.score_of(p.q.data(), cache[i].k.data());
    if (sc - p.top >= detail::exp_zero_below) return false;
    if (sc > p.second) {
        p.second = sc;
        if (m && p.top - sc < m->attention_gap.raw) m->attention_gap = fixed::from_raw(p.top - sc);
    }
    return true;
}
}  // namespace detail

template <class Model, bool AcrossPrompts>
class memo_reuse {
public:
    using memo = row_memo<Model, AcrossPrompts>;
    using row = typename sequence<Model>::row;
    static constexpr auto const& io = io_of<Model>;

    /// `dest` receives row i's pass (with AcrossPrompts it holds the row's pass in the previous
    /// prompt: the same-row source); `previous` is row i − 1's memo, or null. They may be one memo.
    constexpr memo_reuse(memo& dest, memo const* previous) : dest_(dest), prev_(previous) {}

    template <class Seq>
    constexpr void begin(Seq const& s, std::size_t i) {
        i_ = i;
        prev_ok_ = prev_ != nullptr && prev_->valid && prev_->row + 1 == i && s.unchanged_since(i - 1, prev_->version);
        moved_prev_ = column_set::all();
        if (prev_ok_) {
            moved_prev_ = column_set{};
            moved_prev_.add(s.token(i - 1));
            moved_prev_.add(s.token(i));
            auto const pos = Model::net.layout[reg::pos];
            for (std::size_t c = 0; c < pos.width; ++c) moved_prev_.add(pos[c]);
        }
        if constexpr (AcrossPrompts) begin_same_row(s);
    }

    constexpr bool replays_segment(std::size_t segment, std::size_t first, row& x, margins* m) {
        if constexpr (AcrossPrompts) {
            seg_margins_ = margins{};
            if (!same_ok_ || io.segment_reads[segment].meets(moved_same_) || io.segment_writes[segment].meets(moved_same_))
                return false;
            std::size_t const last = segment + 1 < program_io<Model>::segments ? first_step_of(segment + 1) : program_io<Model>::steps;
            for (std::size_t k = first; k < last; ++k)
                if (attention_step(k) && !attention_unchanged(slot_of(k), k)) return false;
            auto const& list = io.segment_write_list[segment];
            for (std::size_t w = 0; w < io.segment_write_count[segment]; ++w) x[list[w]] = dest_.segment_out[segment][list[w]];
            if (m) m->merge(dest_.segment_margins[segment]);
            if (prev_ok_)
                for (std::size_t k = first; k < last; ++k) compare(moved_prev_, *prev_, k, dest_, k);
            return true;
        } else {
            (void)segment, (void)first, (void)x, (void)m;
            return false;
        }
    }

    template <class Seq, class Layer, class Slot, class Row>
    constexpr bool replays(Seq const& s, Layer const& layer, Slot slot, program_step step, Row& x, margins* m, std::uint64_t& used) {
        std::size_t const k = step.index;
        if constexpr (AcrossPrompts) {
            if (same_ok_ && same_row_holds(layer, slot, k, x)) {
                add_recorded(x, dest_, k);
                if (prev_ok_) compare(moved_prev_, *prev_, k, dest_, k);
                merge_layer(m, dest_.layer_margins[k]);
                used = dest_.used_rows[k];
                return true;
            }
            std::int64_t* const in = dest_.inputs.data() + io.read_offset[k];
            auto const reads = layer.read_columns();
            for (std::size_t r = 0; r < reads.size(); ++r) in[r] = x[reads[r]].raw;
        }
        if (!prev_ok_) return false;
        attention_probe probe = prev_->probes[k];
        margins lm{};
        if constexpr (AcrossPrompts) lm = prev_->layer_margins[k];
        bool same = !io.reads[k].meets(moved_prev_);
        if constexpr (Layer::is_attention) {
            if (!same) {  // the query reads a moved column: is it the recorded query?
                attention_probe q{};
                layer.fill_query(x, q.q.data());
                same = q.q == probe.q;
            }
            same = same && detail::row_weight_is_zero(layer, s.cache(slot), i_, probe, AcrossPrompts ? &lm : m);
        }
        if (!same) return false;
        add_recorded(x, *prev_, k);
        used = prev_->used_rows[k];
        if (&dest_ != prev_) {
            if (same_ok_) compare(moved_same_, dest_, k, *prev_, k);
            copy_update(dest_, *prev_, k);
            dest_.used_rows[k] = used;
        }
        dest_.probes[k] = probe;
        if constexpr (AcrossPrompts) {
            dest_.layer_margins[k] = lm;
            merge_layer(m, lm);
        }
        return true;
    }

    template <class Layer, class Row>
    constexpr layer_report prepare(Layer const&, program_step step, Row const&, margins* m) {
        std::size_t const k = step.index;
        bool const compares = prev_ok_ || same_ok_;
        sink_ = compares ? update_sink{scratch_columns_.data(), scratch_updates_.data()}
                         : update_sink{dest_.columns.data() + io.update_offset[k], dest_.updates.data() + io.update_offset[k]};
        if constexpr (AcrossPrompts) {
            layer_margins_ = margins{};
            return {&layer_margins_, &dest_.probes[k], &sink_};
        } else {
            return {m, &dest_.probes[k], &sink_};
        }
    }

    template <class Layer>
    constexpr void record(Layer const&, program_step step, std::uint64_t used, margins* m) {
        std::size_t const k = step.index;
        dest_.used_rows[k] = used;
        if (prev_ok_ || same_ok_) {
            std::size_t const off = io.update_offset[k];
            if (prev_ok_) mark_if_differs(moved_prev_, *prev_, k);
            if (same_ok_) mark_if_differs(moved_same_, dest_, k);
            if (&dest_ == prev_ ? !same_as(*prev_, k) : true) {
                for (std::size_t e = 0; e < sink_.n; ++e) {
                    dest_.columns[off + e] = scratch_columns_[e];
                    dest_.updates[off + e] = scratch_updates_[e];
                }
            }
        }
        dest_.count[k] = static_cast<std::uint16_t>(sink_.n);
        if constexpr (AcrossPrompts) {
            dest_.layer_margins[k] = layer_margins_;
            merge_layer(m, layer_margins_);
        } else {
            (void)m;
        }
    }

    template <class Row>
    constexpr void end_segment(std::size_t segment, Row const& x) {
        if constexpr (AcrossPrompts) {
            dest_.segment_out[segment] = x;
            dest_.segment_margins[segment] = seg_margins_;
        } else {
            (void)segment, (void)x;
        }
    }

    template <class Seq>
    constexpr void end(Seq const& s, std::size_t i) {
        if constexpr (AcrossPrompts)
            for (std::size_t j = 0; j <= i; ++j) dest_.tokens[j] = s.token(j);
        dest_.valid = true;
        dest_.row = i;
        dest_.version = s.version();
    }

private:
    using shape = typename program_io<Model>::shape;
    static constexpr std::size_t max_changed = 4;  ///< changed rows the same-row source tolerates

    static constexpr std::size_t first_step_of(std::size_t segment) {
        return segment == 0 ? 0 : shape::prologue + (segment - 1) * shape::body;
    }
    static constexpr std::size_t slot_of(std::size_t k) {
        if (k < shape::prologue) return k;
        if (k < shape::prologue + shape::body * Model::digits) return shape::prologue + (k - shape::prologue) % shape::body;
        return k - shape::body * Model::digits + shape::body;
    }
    static constexpr bool attention_step(std::size_t k) { return attention_slot[slot_of(k)]; }
    static constexpr std::array<bool, shape::distinct> attention_slot = [] {
        std::array<bool, shape::distinct> a{};
        std::size_t n = 0;
        for_each_distinct_layer(Model::net, [&](auto const& layer) { a[n++] = std::remove_cvref_t<decltype(layer)>::is_attention; });
        return a;
    }();

    constexpr void merge_layer(margins* m, margins const& lm) {
        if (m) m->merge(lm);
        seg_margins_.merge(lm);
    }

    /// x += the update `from` recorded for layer k.
    template <class Row>
    static constexpr void add_recorded(Row& x, memo const& from, std::size_t k) {
        std::size_t const off = io.update_offset[k];
        for (std::size_t e = off; e < off + from.count[k]; ++e) add_to_residual(x[from.columns[e]].raw, from.updates[e]);
    }
    static constexpr bool same_update(memo const& a, std::size_t ka, memo const& b, std::size_t kb) {
        if (a.count[ka] != b.count[kb]) return false;
        std::size_t const oa = io.update_offset[ka], ob = io.update_offset[kb];
        for (std::size_t e = 0; e < a.count[ka]; ++e)
            if (a.columns[oa + e] != b.columns[ob + e] || a.updates[oa + e] != b.updates[ob + e]) return false;
        return true;
    }
    /// Moves every column either memo's layer changed, if their updates differ.
    static constexpr void compare(column_set& moved, memo const& a, std::size_t ka, memo const& b, std::size_t kb) {
        if (same_update(a, ka, b, kb)) return;
        for (std::size_t e = 0; e < a.count[ka]; ++e) moved.add(a.columns[io.update_offset[ka] + e]);
        for (std::size_t e = 0; e < b.count[kb]; ++e) moved.add(b.columns[io.update_offset[kb] + e]);
    }
    static constexpr void copy_update(memo& to, memo const& from, std::size_t k) {
        std::size_t const off = io.update_offset[k];
        for (std::size_t e = off; e < off + from.count[k]; ++e) {
            to.columns[e] = from.columns[e];
            to.updates[e] = from.updates[e];
        }
        to.count[k] = from.count[k];
    }
    /// Is the update in the scratch lists the one `source` recorded for layer k?
    constexpr bool same_as(memo const& source, std::size_t k) const {
        if (source.count[k] != sink_.n) return false;
        std::size_t const off = io.update_offset[k];
        for (std::size_t e = 0; e < sink_.n; ++e)
            if (scratch_columns_[e] != source.columns[off + e] || scratch_updates_[e] != source.updates[off + e]) return false;
        return true;
    }
    constexpr void mark_if_differs(column_set& moved, memo const& source, std::size_t k) {
        if (same_as(source, k)) return;
        for (std::size_t e = 0; e < source.count[k]; ++e) moved.add(source.columns[io.update_offset[k] + e]);
        for (std::size_t e = 0; e < sink_.n; ++e) moved.add(scratch_columns_[e]);
    }

    /// The same-row source: row i's pass in the previous prompt, if the memo holds one.
    template <class Seq>
    constexpr void begin_same_row(Seq const& s) {
        std::size_t const i = i_;
        same_ok_ = dest_.valid && dest_.row == i && &dest_ != prev_;
        moved_same_ = column_set::all();
        if (!same_ok_) return;
        moved_same_ = column_set{};
        if (dest_.tokens[i] != s.token(i)) {
            moved_same_.add(dest_.tokens[i]);
            moved_same_.add(s.token(i));
        }
        // The rows whose token changed since the memo was written (row i itself included: its
        // token reaches attention through its own cache entry). An attention layer sees the same
        // keys and values if every changed row has the key it had, and the value it had where
        // the row got a weight; only a key or value that reads the token block can change.
        std::array<std::size_t, max_changed> changed{};
        std::size_t n_changed = 0;
        bool reusable = true;
        for (std::size_t j = 0; j <= i && reusable; ++j)
            if (dest_.tokens[j] != s.token(j)) {
                if (n_changed == max_changed) reusable = false;
                else changed[n_changed++] = j;
            }
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<shape::distinct>), [&](auto slot) {
            auto const& layer = Seq::distinct_layer(slot);
            using layer_t = std::remove_cvref_t<decltype(layer)>;
            if constexpr (layer_t::is_attention) {
                keys_unchanged_[slot] = reusable;
                values_changed_[slot] = 0;
                auto const& cache = s.cache(slot);
                for (std::size_t c = 0; c < n_changed && keys_unchanged_[slot]; ++c) {
                    std::size_t const j = changed[c];
                    auto const before = embed(Model::net.layout, dest_.tokens[j], j);
                    if (io.keys_read_tokens[slot]) {
                        typename layer_t::cache_entry key{};
                        layer.fill_key(key, before);
                        keys_unchanged_[slot] = key.k == cache[j].k;
                    }
                    if (io.values_read_tokens[slot] && layer.value_of(before) != layer.value_of(s.embedding(j)))
                        values_changed_[slot] |= std::uint64_t{1} << j;
                }
            }
        });
    }
    /// Does attention step k see the keys and values of the recorded pass: every changed row has its
    /// old key, and a changed row whose value changed got weight 0 at this step?
    constexpr bool attention_unchanged(std::size_t slot, std::size_t k) const {
        return keys_unchanged_[slot] && (dest_.used_rows[k] & values_changed_[slot]) == 0;
    }
    /// Does layer k's recorded update from the same row's last pass hold for this pass?
    template <class Layer, class Slot, class Row>
    constexpr bool same_row_holds(Layer const& layer, Slot slot, std::size_t k, Row const& x) {
        if (io.reads[k].meets(moved_same_)) {
            // Compare the values: columns that moved may have come back to the recorded ones.
            std::int64_t const* const in = dest_.inputs.data() + io.read_offset[k];
            auto const reads = layer.read_columns();
            for (std::size_t r = 0; r < reads.size(); ++r)
                if (x[reads[r]].raw != in[r]) return false;
            moved_same_.remove(io.reads[k]);
        }
        if constexpr (Layer::is_attention) return attention_unchanged(slot, k);
        else return true;
    }

    memo& dest_;
    memo const* prev_;
    std::size_t i_ = 0;
    bool prev_ok_ = false, same_ok_ = false;
    column_set moved_prev_{}, moved_same_{};
    std::array<bool, shape::distinct> keys_unchanged_{};       ///< attention: every changed row kept its key
    std::array<std::uint64_t, shape::distinct> values_changed_{};  ///< attention: changed rows whose value changed
    margins seg_margins_{}, layer_margins_{};
    update_sink sink_{};
    std::array<std::uint16_t, io.max_writes> scratch_columns_{};
    std::array<std::int64_t, io.max_writes> scratch_updates_{};
};

}  // namespace ctformer
