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
#include <vector>

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
    std::array<bool, shape::distinct> keys_read_tokens{},
        values_read_tokens{};  ///< attention: can a row's key (value) change with its token?
    std::array<bool, shape::distinct> attention_slots{};  ///< is the distinct layer at this slot attention?
    std::size_t max_writes = 1;
    /// For a run of segments ending at `last`: the columns segment sg writes that no segment after
    /// it, up to `last`, writes again (final_writes[last][sg], final_write_count[last][sg]).
    std::array<std::array<std::array<std::uint16_t, width>, segments>, segments> final_writes{};
    std::array<std::array<std::uint16_t, segments>, segments> final_write_count{};

    static constexpr program_io make() {
        program_io o{};
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto slot) {
            std::size_t const k = step.index;
            for (auto c : layer.read_columns()) o.reads[k].add(c);
            for (auto c : layer.out_cols) o.writes[k].add(c);
            o.segment_reads[step.segment].unite(o.reads[k]);
            o.segment_writes[step.segment].unite(o.writes[k]);
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                o.attention_slots[slot] = true;
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
        for (std::size_t last = 0; last < segments; ++last) {
            column_set later{};
            for (std::size_t sg = last + 1; sg-- > 0;) {
                for (std::size_t w = 0; w < o.segment_write_count[sg]; ++w) {
                    std::uint16_t const c = o.segment_write_list[sg][w];
                    if (!later.contains(c)) o.final_writes[last][sg][o.final_write_count[last][sg]++] = c;
                }
                later.unite(o.segment_writes[sg]);
            }
        }
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
    static constexpr bool reuses = true;
    using memo = row_memo<Model, AcrossPrompts>;
    using row = typename sequence<Model>::row;
    static constexpr auto const& io = io_of<Model>;
    // The per-layer tables, as pointers: in constant evaluation a call on the constant io object
    // per layer costs more than the lookups it serves.
    static constexpr column_set const* reads_of = io.reads.data();
    static constexpr std::size_t const* update_offset = io.update_offset.data();
    static constexpr std::size_t const* read_offset = io.read_offset.data();

    /// `dest` receives row i's pass (with AcrossPrompts it holds the row's pass in the previous
    /// prompt: the same-row source); `previous` is row i − 1's memo, or null. They may be one memo.
    constexpr memo_reuse(memo& dest, memo const* previous)
        : dest_(dest),
          prev_(previous),
          dest_columns_(dest.columns.data()),
          dest_updates_(dest.updates.data()),
          dest_count_(dest.count.data()),
          dest_used_(dest.used_rows.data()),
          dest_probes_(dest.probes.data()) {
        if (previous) {
            prev_columns_ = previous->columns.data();
            prev_updates_ = previous->updates.data();
            prev_count_ = previous->count.data();
            prev_used_ = previous->used_rows.data();
            prev_probes_ = previous->probes.data();
        }
    }

    template <class Seq>
    constexpr void begin(Seq const& s, std::size_t i) {
        i_ = i;
        prev_ok_ = prev_ != nullptr && prev_->valid && prev_->row + 1 == i && s.unchanged_since(i - 1, prev_->version);
        moved_prev_ = column_set::all();
        if (prev_ok_) {
            moved_prev_ = column_set{};
            moved_prev_.add(s.token(i - 1));
            moved_prev_.add(s.token(i));
            moved_prev_.unite(position_columns);
        }
        if constexpr (AcrossPrompts) begin_same_row(s);
    }

    constexpr bool replays_segment(std::size_t segment, std::size_t first, row& x, margins* m) {
        if constexpr (AcrossPrompts) {
            seg_margins_ = margins{};
            if (!same_ok_ || io.segment_reads[segment].meets(moved_same_) || io.segment_writes[segment].meets(moved_same_))
                return false;
            std::size_t const last =
                segment + 1 < program_io<Model>::segments ? first_step_of(segment + 1) : program_io<Model>::steps;
            for (std::size_t k = first; k < last; ++k)
                if (attention_step(k) && !attention_unchanged(slot_of(k), k)) return false;
            // The recorded output is written into x later, once for a run of replayed segments
            // (flush): the body's passes write the same columns, so only the last pass's values count.
            (void)x;
            if (!pending_) pending_first_ = segment;
            pending_ = true;
            pending_last_ = segment;
            if (m) m->merge(dest_.segment_margins[segment]);
            return true;
        } else {
            (void)segment, (void)first, (void)x, (void)m;
            return false;
        }
    }

    /// May layer k add a recorded update instead of running? If so, it has been added to x.
    template <class Seq, class Layer, class Slot, class Row>
    constexpr bool replays(Seq const& s, Layer const& layer, Slot slot, std::size_t k, Row& x, margins* m, std::uint64_t& used) {
        if constexpr (AcrossPrompts) {
            flush(x);
            if (same_ok_ && same_row_holds(layer, slot, k, x)) {
                add_recorded(x, dest_, k);
                if (prev_ok_) compare(moved_prev_, *prev_, k, dest_, k);
                merge_layer(m, dest_.layer_margins[k]);
                used = dest_.used_rows[k];
                return true;
            }
            std::int64_t* const in = dest_.inputs.data() + read_offset[k];
            auto const reads = layer.read_columns();
            for (std::size_t r = 0; r < reads.size(); ++r) in[r] = x[reads[r]].raw;
        }
        if (!prev_ok_) return false;
        bool const reads_moved = reads_of[k].meets(moved_prev_);
        std::conditional_t<AcrossPrompts, margins, bool> lm{};  // the layer's margins, kept per layer across prompts
        margins* gap = m;
        if constexpr (AcrossPrompts) {
            lm = prev_->layer_margins[k];
            gap = &lm;
        }
        if constexpr (Layer::is_attention) {
            // In place (dest_ is prev_) the recorded probe is updated where it lies.
            attention_probe copy{};
            attention_probe* const probe = &dest_ == prev_ ? dest_probes_ + k : &copy;
            if (probe == &copy) copy = prev_probes_[k];
            if (reads_moved) {  // the query reads a moved column: is it the recorded query?
                attention_probe q{};
                layer.fill_query(x, q.q.data());
                if (q.q != probe->q) return false;
            }
            if (!detail::row_weight_is_zero(layer, s.cache(slot), i_, *probe, gap)) return false;
            if (probe == &copy) dest_probes_[k] = copy;
        } else {
            if (reads_moved) return false;
        }
        // x += the previous row's update, written out (see the note on pointers below)
        std::size_t const off = update_offset[k];
        std::uint16_t const* const columns = prev_columns_ + off;
        std::int64_t const* const values = prev_updates_ + off;
        std::size_t const n = prev_count_[k];
        fixed* const xp = x.data();
        for (std::size_t e = 0; e < n; ++e)
            if (__builtin_add_overflow(xp[columns[e]].raw, values[e], &xp[columns[e]].raw))
                detail::throw_overflow("ctformer: residual overflows");
        used = prev_used_[k];
        if (&dest_ != prev_) {
            if (same_ok_) compare(moved_same_, dest_, k, *prev_, k);
            store(dest_, k, recorded(*prev_, k));
            dest_used_[k] = used;
        }
        if constexpr (AcrossPrompts) {
            dest_.layer_margins[k] = lm;
            merge_layer(m, lm);
        }
        return true;
    }

    /// Layer k runs: where it reports. Its update goes to the scratch lists when a source's update
    /// is there to compare it with, else straight into the memo.
    template <class Layer, class Slot>
    constexpr void prepare(Layer const&, Slot, std::size_t k, layer_report& report) {
        std::size_t const off = update_offset[k];
        sink_ = prev_ok_ || same_ok_ ? update_sink{scratch_columns_.data(), scratch_updates_.data()}
                                     : update_sink{dest_columns_ + off, dest_updates_ + off};
        report.probe = dest_probes_ + k;
        report.sink = &sink_;
        if constexpr (AcrossPrompts) {
            layer_margins_ = margins{};
            report.margin = &layer_margins_;
        }
    }

    template <class Layer, class Slot, class Row>
    constexpr void record(Layer const&, Slot, std::size_t k, Row const&, std::uint64_t used, margins* m) {
        dest_used_[k] = used;
        if (prev_ok_ || same_ok_) {
            update_list const now = scratch();
            bool differs_prev = false;
            if (prev_ok_) {  // written out: this runs for every layer that runs
                std::size_t const off = update_offset[k];
                std::uint16_t const* const columns = prev_columns_ + off;
                std::int64_t const* const values = prev_updates_ + off;
                std::size_t const n = prev_count_[k];
                differs_prev = n != now.n;
                for (std::size_t e = 0; e < n && !differs_prev; ++e)
                    differs_prev = columns[e] != now.columns[e] || values[e] != now.values[e];
                if (differs_prev) {
                    for (std::size_t e = 0; e < n; ++e) moved_prev_.add(columns[e]);
                    for (std::size_t e = 0; e < now.n; ++e) moved_prev_.add(now.columns[e]);
                }
            }
            if (same_ok_) {
                update_list const before = recorded(dest_, k);
                if (!equal(now, before)) mark(moved_same_, now, before);
            }
            if (&dest_ != prev_ || differs_prev) store(dest_, k, now);
        } else {
            dest_count_[k] = static_cast<std::uint16_t>(sink_.n);
        }
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

    template <class Seq, class Row>
    constexpr void end(Seq const& s, std::size_t i, Row& x) {
        if constexpr (AcrossPrompts) {
            flush(x);
            for (std::size_t j = 0; j <= i; ++j) dest_.tokens[j] = s.token(j);
        } else {
            (void)x;
        }
        dest_.valid = true;
        dest_.row = i;
        dest_.version = s.version();
    }

private:
    using shape = typename program_io<Model>::shape;
    static constexpr std::size_t max_changed = 4;  ///< changed rows the same-row source tolerates
    /// The pos register: with the token, all that tells two rows' embeddings apart.
    static constexpr column_set position_columns = [] {
        column_set c{};
        auto const pos = Model::net.layout[reg::pos];
        for (std::size_t i = 0; i < pos.width; ++i) c.add(pos[i]);
        return c;
    }();

    static constexpr std::size_t first_step_of(std::size_t segment) {
        return segment == 0 ? 0 : shape::prologue + (segment - 1) * shape::body;
    }
    static constexpr std::size_t slot_of(std::size_t k) {
        if (k < shape::prologue) return k;
        if (k < shape::prologue + shape::body * Model::digits) return shape::prologue + (k - shape::prologue) % shape::body;
        return k - shape::body * Model::digits + shape::body;
    }
    static constexpr bool attention_step(std::size_t k) { return io.attention_slots[slot_of(k)]; }

    /// Writes the recorded outputs of the pending run of replayed segments into x: each column
    /// from the last segment of the run that writes it. Against the previous row's pass, such a
    /// column is moved exactly when its value differs from that row's after the same segment (the
    /// previous row has run or replayed every segment of this prompt already, and a later segment
    /// of the run does not write the column).
    template <class Row>
    constexpr void flush(Row& x) {
        if (!pending_) return;
        pending_ = false;
        auto const& lists = io.final_writes[pending_last_];
        auto const& counts = io.final_write_count[pending_last_];
        column_set differ{};
        for (std::size_t sg = pending_first_; sg <= pending_last_; ++sg) {
            std::uint16_t const* const list = lists[sg].data();
            std::size_t const n = counts[sg];
            fixed const* const ours = dest_.segment_out[sg].data();
            fixed* const xp = x.data();
            for (std::size_t w = 0; w < n; ++w) xp[list[w]] = ours[list[w]];
            if (!prev_ok_) continue;  // then every column is moved for the previous row already
            fixed const* const theirs = prev_->segment_out[sg].data();
            for (std::size_t w = 0; w < n; ++w)
                if (ours[list[w]].raw != theirs[list[w]].raw) differ.add(list[w]);
            moved_prev_.remove(io.segment_writes[sg]);
        }
        moved_prev_.unite(differ);
    }

    constexpr void merge_layer(margins* m, margins const& lm) {
        if (m) m->merge(lm);
        seg_margins_.merge(lm);
    }

    // The helpers below read arrays through pointers, not operator[]: in constant evaluation each
    // call costs more than the comparison or addition it wraps (see compiled_mlp::apply).

    /// A layer's update as (column, amount) lists.
    struct update_list {
        std::uint16_t const* columns;
        std::int64_t const* values;
        std::size_t n;
    };
    static constexpr update_list recorded(memo const& from, std::size_t k) {
        std::size_t const off = update_offset[k];
        return {from.columns.data() + off, from.updates.data() + off, from.count.data()[k]};
    }
    constexpr update_list scratch() const { return {scratch_columns_.data(), scratch_updates_.data(), sink_.n}; }

    /// x += the update `from` recorded for layer k.
    template <class Row>
    static constexpr void add_recorded(Row& x, memo const& from, std::size_t k) {
        update_list const u = recorded(from, k);
        fixed* const xp = x.data();
        for (std::size_t e = 0; e < u.n; ++e)
            if (__builtin_add_overflow(xp[u.columns[e]].raw, u.values[e], &xp[u.columns[e]].raw))
                detail::throw_overflow("ctformer: residual overflows");
    }
    static constexpr bool equal(update_list a, update_list b) {
        if (a.n != b.n) return false;
        for (std::size_t e = 0; e < a.n; ++e)
            if (a.columns[e] != b.columns[e] || a.values[e] != b.values[e]) return false;
        return true;
    }
    /// Moves every column either update changed.
    static constexpr void mark(column_set& moved, update_list a, update_list b) {
        for (std::size_t e = 0; e < a.n; ++e) moved.add(a.columns[e]);
        for (std::size_t e = 0; e < b.n; ++e) moved.add(b.columns[e]);
    }
    /// Moves the columns of layer k's updates in two memos, if they differ.
    static constexpr void compare(column_set& moved, memo const& a, std::size_t ka, memo const& b, std::size_t kb) {
        update_list const ua = recorded(a, ka), ub = recorded(b, kb);
        if (!equal(ua, ub)) mark(moved, ua, ub);
    }
    /// Stores an update as layer k's in `to`.
    static constexpr void store(memo& to, std::size_t k, update_list u) {
        std::size_t const off = update_offset[k];
        std::uint16_t* const columns = to.columns.data() + off;
        std::int64_t* const values = to.updates.data() + off;
        for (std::size_t e = 0; e < u.n; ++e) {
            columns[e] = u.columns[e];
            values[e] = u.values[e];
        }
        to.count.data()[k] = static_cast<std::uint16_t>(u.n);
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
                if (n_changed == max_changed)
                    reusable = false;
                else
                    changed[n_changed++] = j;
            }
        for (std::size_t slot = 0; slot < shape::distinct; ++slot) {
            keys_unchanged_[slot] = reusable;
            values_changed_[slot] = 0;
        }
        if (n_changed == 0 || !reusable) return;
        for (std::size_t c = 0; c < n_changed; ++c) {
            std::size_t const j = changed[c];
            token_change const e = change_of(s, j, dest_.tokens[j], s.token(j));
            for (std::size_t slot = 0; slot < shape::distinct; ++slot) {
                if ((e.key >> slot) & 1u) keys_unchanged_[slot] = false;
                if ((e.value >> slot) & 1u) values_changed_[slot] |= std::uint64_t{1} << j;
            }
        }
    }

    /// What changing row j's token from `before` to `after` changes: per distinct attention layer
    /// (bit slot), its key and its value. Their embeddings differ only in the token's column, and
    /// only a key or value that reads the token block can change.
    struct token_change {
        std::uint64_t key = 0, value = 0;
    };
    static_assert(shape::distinct <= 64, "ctformer::memo_reuse: token_change holds 64 layers");
    template <class Seq>
    static constexpr token_change compute_change(std::size_t j, std::size_t before_token, std::size_t after_token) {
        row const after = embed(Model::net.layout, after_token, j);
        row before = after;
        before[after_token] = fixed{};
        before[before_token] = fixed::from_int(1);
        token_change e{};
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<shape::distinct>), [&](auto slot) {
            auto const& layer = Seq::distinct_layer(slot);
            using layer_t = std::remove_cvref_t<decltype(layer)>;
            if constexpr (layer_t::is_attention) {
                if (io.keys_read_tokens[slot]) {
                    typename layer_t::cache_entry kb{}, ka{};
                    layer.fill_key(kb, before);
                    layer.fill_key(ka, after);
                    if (kb.k != ka.k) e.key |= std::uint64_t{1} << slot;
                }
                if (io.values_read_tokens[slot] && layer.value_of(before) != layer.value_of(after))
                    e.value |= std::uint64_t{1} << slot;
            }
        });
        return e;
    }
    /// compute_change; at run time from a table of every (row, token, token), filled once per
    /// network on first use (the same computation, done once instead of once per pass).
    template <class Seq>
    static constexpr token_change change_of(Seq const&, std::size_t j, std::size_t before, std::size_t after) {
        if (std::is_constant_evaluated()) return compute_change<Seq>(j, before, after);
        return change_table<Seq>()[(j * vocab_size + before) * vocab_size + after];
    }
    template <class Seq>
    static std::vector<token_change> const& change_table() {
        static std::vector<token_change> const table = [] {
            std::vector<token_change> t(max_rows * vocab_size * vocab_size);
            for (std::size_t r = 0; r < max_rows; ++r)
                for (std::size_t b = 0; b < vocab_size; ++b)
                    for (std::size_t a = 0; a < vocab_size; ++a)
                        t[(r * vocab_size + b) * vocab_size + a] = compute_change<Seq>(r, b, a);
            return t;
        }();
        return table;
    }

    /// Does attention step k see the keys and values of the recorded pass: every changed row has its
    /// old key, and a changed row whose value changed got weight 0 at this step?
    constexpr bool attention_unchanged(std::size_t slot, std::size_t k) const {
        return keys_unchanged_[slot] && (dest_.used_rows[k] & values_changed_[slot]) == 0;
    }
    /// Does layer k's recorded update from the same row's last pass hold for this pass?
    template <class Layer, class Slot, class Row>
    constexpr bool same_row_holds(Layer const& layer, Slot slot, std::size_t k, Row const& x) {
        if (reads_of[k].meets(moved_same_)) {
            // Compare the values: columns that moved may have come back to the recorded ones.
            std::int64_t const* const in = dest_.inputs.data() + read_offset[k];
            auto const reads = layer.read_columns();
            for (std::size_t r = 0; r < reads.size(); ++r)
                if (x[reads[r]].raw != in[r]) return false;
            moved_same_.remove(reads_of[k]);
        }
        if constexpr (Layer::is_attention)
            return attention_unchanged(slot, k);
        else
            return true;
    }

    memo& dest_;
    memo const* prev_;
    // The memos' per-layer arrays, as pointers taken once per pass (see the note on pointers).
    std::uint16_t* dest_columns_;
    std::int64_t* dest_updates_;
    std::uint16_t* dest_count_;
    std::uint64_t* dest_used_;
    attention_probe* dest_probes_;
    std::uint16_t const* prev_columns_ = nullptr;
    std::int64_t const* prev_updates_ = nullptr;
    std::uint16_t const* prev_count_ = nullptr;
    std::uint64_t const* prev_used_ = nullptr;
    attention_probe const* prev_probes_ = nullptr;
    std::size_t i_ = 0;
    bool prev_ok_ = false, same_ok_ = false;
    bool pending_ = false;  ///< replayed segments whose output is not yet in x (flush)
    std::size_t pending_first_ = 0, pending_last_ = 0;
    column_set moved_prev_{}, moved_same_{};
    // Across prompts only (one element otherwise):
    std::array<bool, row_memo<Model, AcrossPrompts>::across(shape::distinct)>
        keys_unchanged_{};  ///< attention: every changed row kept its key
    std::array<std::uint64_t, row_memo<Model, AcrossPrompts>::across(shape::distinct)>
        values_changed_{};  ///< attention: changed rows whose value changed
    std::conditional_t<AcrossPrompts, margins, bool> seg_margins_{}, layer_margins_{};
    update_sink sink_{};
    std::array<std::uint16_t, io.max_writes> scratch_columns_;  // written by a layer before they are read
    std::array<std::int64_t, io.max_writes> scratch_updates_;
};

}  // namespace ctformer
