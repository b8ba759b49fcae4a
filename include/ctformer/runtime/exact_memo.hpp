// ctformer/runtime/exact_memo.hpp — exact_reuse, the run-time checker's reuse policy: memos keyed
// by the exact inputs of what they stand for, kept across every prompt a thread checks.
//
// What a layer adds to a row is a function of exact inputs, and so is a whole segment's:
//  * an MLP's update: of the values of the columns it reads (compiled_mlp::apply reads nothing else);
//  * an attention layer's decision (which rows get which weight, and its margins): of its query,
//    the row count and the earlier rows' keys. A row's key is a function of its token and position
//    (the cached-embedding premise, sequence.hpp), and two tokens whose keys agree at a row are one
//    "key class" there; so the key classes of rows 0..i stand for the keys. Its update is then
//    the decision's weights times the chosen rows' values (compiled_attention::mix, run every time);
//  * a segment's output (the prologue, a body pass, the epilogue): of the values of the columns it
//    reads or writes, of the keys of rows 0..i for each attention layer in it, and of the values of
//    the rows each of them chose.
// So each distinct layer has a table from exact inputs to its update (MLP) or decision (attention),
// and each answer row keeps its segments' last inputs and outputs. A segment whose inputs equal
// those of the same answer row's segment in the previous prompt takes its recorded output; a
// layer whose inputs are in its table takes the recorded update; anything else runs and is
// recorded. Keys are compared whole, never by hash alone, so a replay gives the same bits as a run:
// tests/test_exact_memo.cpp compares answers, margins and every final row with memo_reuse's path.
// Run-time only (hash tables on the heap); the proofs use memo_reuse (runtime/memo.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include <boost/hana.hpp>

#include "ctformer/layers/update.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/runtime/memo.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

namespace detail {
/// An open-addressing hash table from exact keys to values; keys are compared whole.
template <class Key, class Value>
class exact_table {
public:
    static std::uint64_t hash(Key const& key) {
        // FNV-1a over the words, in four independent lanes (shorter multiply chains), then mixed
        // so that the low bits, which pick the slot, depend on the high ones (one-hot values are 2^32).
        std::array<std::uint64_t, 4> lane{0xcbf29ce484222325ull, 0x84222325cbf29ce4ull, 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull};
        auto const& w = key.words();
        for (std::size_t e = 0; e < w.size(); ++e) lane[e % 4] = (lane[e % 4] ^ static_cast<std::uint64_t>(w[e])) * 0x100000001b3ull;
        std::uint64_t h = lane[0] ^ (lane[1] * 0x9e3779b97f4a7c15ull) ^ (lane[2] * 0xc2b2ae3d27d4eb4full) ^ (lane[3] * 0x165667b19e3779f9ull);
        h ^= h >> 31;
        h *= 0x94d049bb133111ebull;
        return h ^ (h >> 29);
    }
    Value const* find(std::uint64_t h, Key const& key) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t p = h & mask_;; p = (p + 1) & mask_) {
            entry const& e = slots_[p];
            if (!e.full) return nullptr;
            if (e.hash == h && e.key == key) return &e.value;
        }
    }
    void insert(std::uint64_t h, Key const& key, Value const& value) {
        if (2 * (count_ + 1) > slots_.size()) grow();
        std::size_t p = h & mask_;
        while (slots_[p].full) {
            if (slots_[p].hash == h && slots_[p].key == key) return;  // recorded already
            p = (p + 1) & mask_;
        }
        slots_[p] = entry{true, h, key, value};
        ++count_;
    }
    std::size_t size() const { return count_; }

private:
    struct entry {
        bool full = false;
        std::uint64_t hash = 0;
        Key key{};
        Value value{};
    };
    void grow() {
        std::vector<entry> old(slots_.size() == 0 ? 64 : 2 * slots_.size());
        old.swap(slots_);
        mask_ = slots_.size() - 1;
        count_ = 0;
        for (entry const& e : old)
            if (e.full) insert(e.hash, e.key, e.value);
    }
    std::vector<entry> slots_;
    std::size_t mask_ = 0, count_ = 0;
};

/// A fixed-length key of 64-bit words.
template <std::size_t N>
struct word_key {
    std::array<std::int64_t, N> w{};
    std::array<std::int64_t, N> const& words() const { return w; }
    bool operator==(word_key const&) const = default;
};
}  // namespace detail

/// The key classes and value classes of every token at every row, per attention layer: tokens t
/// and t' share a key class at row j when the layer's keys of their embeddings at row j are equal
/// (the same for values). A class is named by its smallest token.
template <class Model>
struct token_classes {
    using shape = network_shape<std::remove_cvref_t<decltype(Model::net)>>;
    using seq = sequence<Model>;
    std::array<std::array<std::array<std::uint8_t, vocab_size>, max_rows>, shape::distinct> key{}, value{};
    /// Per attention layer: the value of every token at every row, [(j·vocab + token)·outputs + o].
    std::array<std::vector<std::int64_t>, shape::distinct> values{};

    static token_classes const& get() {
        static std::unique_ptr<token_classes const> const table = [] {
            auto t = std::make_unique<token_classes>();
            hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<shape::distinct>), [&](auto slot) {
                auto const& layer = seq::distinct_layer(slot);
                using layer_t = std::remove_cvref_t<decltype(layer)>;
                if constexpr (layer_t::is_attention) {
                    constexpr std::size_t outputs = layer_t::n_outputs;
                    t->values[slot].resize(max_rows * vocab_size * outputs);
                    for (std::size_t j = 0; j < max_rows; ++j) {
                        std::array<typename layer_t::cache_entry, vocab_size> keys{};
                        std::array<typename layer_t::value_type, vocab_size> values{};
                        for (std::size_t tok = 0; tok < vocab_size; ++tok) {
                            auto const e = embed(Model::net.layout, tok, j);
                            layer.fill_key(keys[tok], e);
                            values[tok] = layer.value_of(e);
                            for (std::size_t o = 0; o < outputs; ++o)
                                t->values[slot][(j * vocab_size + tok) * outputs + o] = values[tok][o];
                            std::size_t kc = tok, vc = tok;
                            for (std::size_t u = tok; u-- > 0;) {
                                if (keys[u].k == keys[tok].k) kc = u;
                                if (values[u] == values[tok]) vc = u;
                            }
                            t->key[slot][j][tok] = static_cast<std::uint8_t>(kc);
                            t->value[slot][j][tok] = static_cast<std::uint8_t>(vc);
                        }
                    }
                }
            });
            return std::unique_ptr<token_classes const>(std::move(t));
        }();
        return *table;
    }
};

template <class Model>
class exact_reuse;

/// What exact_reuse keeps across prompts: one per walker (per checker thread).
template <class Model>
class exact_memo {
public:
    using seq = sequence<Model>;
    using row = typename seq::row;
    using io_t = program_io<Model>;
    using shape = typename io_t::shape;
    static constexpr auto const& io = io_of<Model>;
    static constexpr std::size_t width = seq::width;
    static constexpr std::size_t steps = io_t::steps;
    static constexpr std::size_t segments = io_t::segments;
    static constexpr std::size_t answer_rows = Model::answer_length;
    static constexpr std::size_t first_answer_row = Model::prompt_length - 1;  ///< the '=' row predicts the first digit
    static constexpr std::size_t fingerprint_words = (4 * max_rows + 63) / 64;  ///< 4 bits per row: a key class < 16
    static_assert(vocab_size <= 16, "ctformer::exact_memo: a key class takes 4 bits");

    /// A prompt begins; the memo compares its tokens with the previous prompt's.
    void begin_prompt() {
        if (in_prompt_) {  // the previous prompt did not end (an exception): forget what it compared
            prev_tokens_.fill(unknown);
            ++serial_;
        }
        in_prompt_ = true;
        ++serial_;
        checked_ = 0;
        key_changed_.fill(0);
        value_changed_.fill(0);
    }
    /// The prompt's rows 0..checked_ − 1 are what the next prompt is compared with.
    void end_prompt(seq const& s) {
        for (std::size_t j = 0; j < checked_; ++j) prev_tokens_[j] = s.token(j);
        for (std::size_t j = checked_; j < compared_before_; ++j) prev_tokens_[j] = unknown;
        compared_before_ = checked_;
        in_prompt_ = false;
    }

    /// Entries in the layers' tables (for the benchmark's report).
    std::size_t table_entries() const {
        std::size_t n = 0;
        hana::for_each(tables_, [&](auto const& t) { n += t.size(); });
        return n;
    }

private:
    template <class>
    friend class exact_reuse;
    static constexpr std::uint8_t unknown = 0xff;

    // ---- per distinct layer: the table from exact inputs to what the layer did ----
    struct recorded_update {  ///< an MLP's update: (column, amount) as its sink got them, and its margins
        std::uint16_t n = 0;
        std::array<std::uint16_t, io.max_writes> columns{};
        std::array<std::int64_t, io.max_writes> values{};
        margins m{};
    };
    struct recorded_decision {  ///< an attention layer's decision and margins
        attention_decision d{};
        margins m{};
    };
    template <std::size_t Heads>
    struct attention_key {  ///< query, rows 0..i (as i), their key classes
        std::array<std::int64_t, Heads + 1 + fingerprint_words> w{};
        std::array<std::int64_t, Heads + 1 + fingerprint_words> const& words() const { return w; }
        bool operator==(attention_key const&) const = default;
    };
    template <class Layer, bool = Layer::is_attention>
    struct layer_table {  // attention: query, row count and key classes → decision
        using key_type = attention_key<Layer::heads>;
        detail::exact_table<key_type, recorded_decision> table;
        key_type pending{};  ///< the key of the layer that runs now
        std::uint64_t pending_hash = 0;
        std::size_t size() const { return table.size(); }
    };
    template <class Layer>
    struct layer_table<Layer, false> {  // MLP: the values of the columns it reads → update
        using key_type = detail::word_key<Layer::n_inputs>;
        detail::exact_table<key_type, recorded_update> table;
        key_type pending{};
        std::uint64_t pending_hash = 0;
        std::size_t size() const { return table.size(); }
    };
    static auto make_tables() {
        return hana::transform(hana::to_tuple(hana::make_range(hana::size_c<0>, hana::size_c<shape::distinct>)), [](auto slot) {
            return layer_table<std::remove_cvref_t<decltype(seq::distinct_layer(slot))>>{};
        });
    }
    decltype(make_tables()) tables_ = make_tables();

    recorded_update update_{};  ///< what the layer that runs now reports
    recorded_decision decision_{};

    // ---- per answer row and segment: the last inputs and output ----
    struct segment_record {
        std::uint64_t serial = 0;  ///< the prompt it holds for (0: none)
        row entry{}, out{};
        margins m{};
    };
    std::vector<segment_record> records_ = std::vector<segment_record>(answer_rows * segments);
    std::vector<std::uint64_t> used_ = std::vector<std::uint64_t>(answer_rows * steps);  ///< attention: rows with a weight

    // ---- per prompt: what changed since the previous one ----
    std::uint64_t serial_ = 0;
    bool in_prompt_ = false;
    std::size_t checked_ = 0;  ///< rows 0..checked_ − 1 compared with the previous prompt
    std::size_t compared_before_ = 0;  ///< rows the previous prompt compared (prev_tokens_ beyond them: unknown)
    std::array<std::uint8_t, max_rows> prev_tokens_ = [] {
        std::array<std::uint8_t, max_rows> t{};
        t.fill(unknown);
        return t;
    }();
    std::array<std::uint64_t, shape::distinct> key_changed_{}, value_changed_{};  ///< bit j: row j's key (value) changed
    std::array<std::array<std::uint64_t, fingerprint_words>, shape::distinct> fingerprint_{};  ///< key classes, 4 bits a row

    /// Compares rows checked_..i with the previous prompt and updates the key-class fingerprints.
    void check_rows(seq const& s, std::size_t i) {
        token_classes<Model> const& classes = token_classes<Model>::get();
        for (std::size_t j = checked_; j <= i; ++j) {
            std::uint8_t const now = s.token(j), before = prev_tokens_[j];
            if (now == before) continue;
            for (std::size_t slot = 0; slot < shape::distinct; ++slot) {
                if (!attention_slot[slot]) continue;
                std::uint8_t const kc = classes.key[slot][j][now];
                if (before == unknown || classes.key[slot][j][before] != kc) key_changed_[slot] |= std::uint64_t{1} << j;
                if (before == unknown || classes.value[slot][j][before] != classes.value[slot][j][now])
                    value_changed_[slot] |= std::uint64_t{1} << j;
                std::uint64_t& word = fingerprint_[slot][j / 16];
                word = (word & ~(std::uint64_t{0xf} << (4 * (j % 16)))) | (std::uint64_t{kc} << (4 * (j % 16)));
            }
        }
        if (i + 1 > checked_) checked_ = i + 1;
    }

    // ---- the program's shape, as tables ----
    static constexpr std::array<bool, shape::distinct> attention_slot = [] {
        std::array<bool, shape::distinct> a{};
        std::size_t n = 0;
        for_each_distinct_layer(Model::net,
                                [&](auto const& layer) { a[n++] = std::remove_cvref_t<decltype(layer)>::is_attention; });
        return a;
    }();
    struct attention_step {
        std::size_t step, slot;
    };
    struct column_run {
        std::size_t first, count;
    };
    /// Per segment: its attention steps, and the columns it reads or writes ("live"), as runs of
    /// consecutive columns.
    struct segment_shape {
        std::array<attention_step, shape::distinct> attention{};
        std::size_t n_attention = 0;
        std::array<column_run, width / 2 + 1> live{};
        std::size_t n_live = 0;
    };
    static constexpr std::array<segment_shape, segments> segment_shapes = [] {
        std::array<segment_shape, segments> out{};
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto slot) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                segment_shape& sh = out[step.segment];
                sh.attention[sh.n_attention++] = attention_step{step.index, decltype(slot)::value};
            }
        });
        for (std::size_t sg = 0; sg < segments; ++sg)
            for (std::size_t c = 0; c < width; ++c) {
                if (!io.segment_writes[sg].contains(c) && !io.segment_reads[sg].contains(c)) continue;
                segment_shape& sh = out[sg];
                if (sh.n_live > 0 && sh.live[sh.n_live - 1].first + sh.live[sh.n_live - 1].count == c)
                    ++sh.live[sh.n_live - 1].count;
                else
                    sh.live[sh.n_live++] = column_run{c, 1};
            }
        return out;
    }();
};

/// The policy (see the top of this file) for one pass: a handle on the walker's exact_memo.
template <class Model>
class exact_reuse {
public:
    static constexpr bool reuses = true;
    using memo_t = exact_memo<Model>;
    using row = typename memo_t::row;
    using seq = typename memo_t::seq;
    static constexpr std::size_t width = memo_t::width;

    explicit exact_reuse(memo_t& memo) : memo_(memo) {}

    void begin(seq const& s, std::size_t i) {
        if (i < memo_t::first_answer_row || i >= memo_t::first_answer_row + memo_t::answer_rows)
            throw sequence_error("ctformer::exact_reuse: the row is not an answer row of the model's prompt");
        s_ = &s;
        i_ = i;
        answer_ = i - memo_t::first_answer_row;
        memo_.check_rows(s, i);
    }

    bool replays_segment(std::size_t segment, std::size_t, row& x, margins* m) {
        auto& rec = memo_.records_[answer_ * memo_t::segments + segment];
        auto const& sh = memo_t::segment_shapes[segment];
        if (rec.serial + 1 == memo_.serial_ && same_entry(rec, sh, x) && attention_unchanged(sh)) {
            // The live columns take the recorded output: those the segment writes get what it wrote,
            // the others kept their entry values, which equal x's.
            for (std::size_t r = 0; r < sh.n_live; ++r)
                std::memcpy(x.data() + sh.live[r].first, rec.out.data() + sh.live[r].first, sh.live[r].count * sizeof(fixed));
            if (m) m->merge(rec.m);
            rec.serial = memo_.serial_;
            return true;
        }
        rec.serial = 0;  // recorded anew at end_segment
        rec.entry = x;
        segment_margins_ = margins{};
        return false;
    }

    template <class Layer, class Slot>
    bool replays(seq const& s, Layer const& layer, Slot slot, std::size_t k, row& x, margins* m, std::uint64_t& used) {
        auto& t = memo_.tables_[slot];
        fixed* const xp = x.data();
        if constexpr (Layer::is_attention) {
            auto& key = t.pending.w;
            layer.fill_query(x, key.data());
            key[Layer::heads] = static_cast<std::int64_t>(i_);
            std::size_t const nibbles = i_ + 1;  // rows 0..i
            for (std::size_t w = 0; w < memo_t::fingerprint_words; ++w) {
                std::uint64_t const word = memo_.fingerprint_[Slot::value][w];
                std::size_t const first = 16 * w;
                std::uint64_t const keep = nibbles <= first        ? 0
                                           : nibbles >= first + 16 ? ~std::uint64_t{0}
                                                                   : (std::uint64_t{1} << (4 * (nibbles - first))) - 1;
                key[Layer::heads + 1 + w] = static_cast<std::int64_t>(word & keep);
            }
            t.pending_hash = t.table.hash(t.pending);
            auto const* hit = t.table.find(t.pending_hash, t.pending);
            if (!hit) return false;
            attention_decision const& d = hit->d;
            std::int64_t const* const values = token_classes<Model>::get().values[Slot::value].data();
            auto const value_of = [&](std::size_t j) { return values + (j * vocab_size + s.token(j)) * Layer::n_outputs; };
            layer.mix(d.rows.data(), d.weights.data(), d.n, value_of, x, nullptr);
            used = d.used;
            memo_.used_[answer_ * memo_t::steps + k] = used;
            merge_layer(m, hit->m);
            return true;
        } else {
            auto const reads = layer.read_columns();
            auto& key = t.pending.w;
            for (std::size_t r = 0; r < reads.size(); ++r) key[r] = xp[reads[r]].raw;
            t.pending_hash = t.table.hash(t.pending);
            auto const* hit = t.table.find(t.pending_hash, t.pending);
            if (!hit) return false;
            for (std::size_t e = 0; e < hit->n; ++e)
                if (__builtin_add_overflow(xp[hit->columns[e]].raw, hit->values[e], &xp[hit->columns[e]].raw))
                    detail::throw_overflow("ctformer: residual overflows");
            used = 0;
            merge_layer(m, hit->m);
            return true;
        }
    }

    template <class Layer, class Slot>
    void prepare(Layer const&, Slot, std::size_t, layer_report& report) {
        layer_margins_ = margins{};
        sink_ = update_sink{memo_.update_.columns.data(), memo_.update_.values.data(), 0};
        report.margin = &layer_margins_;
        report.sink = &sink_;
        report.decision = &memo_.decision_.d;
    }

    template <class Layer, class Slot>
    void record(Layer const&, Slot slot, std::size_t k, std::uint64_t used, margins* m) {
        auto& t = memo_.tables_[slot];
        if constexpr (Layer::is_attention) {
            memo_.used_[answer_ * memo_t::steps + k] = used;
            memo_.decision_.m = layer_margins_;
            if (memo_.decision_.d.complete) t.table.insert(t.pending_hash, t.pending, memo_.decision_);
        } else {
            memo_.update_.n = static_cast<std::uint16_t>(sink_.n);
            memo_.update_.m = layer_margins_;
            t.table.insert(t.pending_hash, t.pending, memo_.update_);
        }
        merge_layer(m, layer_margins_);
    }

    void end_segment(std::size_t segment, row const& x) {
        auto& rec = memo_.records_[answer_ * memo_t::segments + segment];
        if (rec.serial == memo_.serial_) return;  // replayed
        rec.out = x;
        rec.m = segment_margins_;
        rec.serial = memo_.serial_;
    }

    void end(seq const&, std::size_t, row const&) {}

private:
    static bool same_entry(typename memo_t::segment_record const& rec, typename memo_t::segment_shape const& sh, row const& x) {
        for (std::size_t r = 0; r < sh.n_live; ++r)
            if (std::memcmp(x.data() + sh.live[r].first, rec.entry.data() + sh.live[r].first, sh.live[r].count * sizeof(fixed)) != 0)
                return false;
        return true;
    }
    /// Every attention layer of the segment sees the keys it saw, and the values of the rows it chose.
    bool attention_unchanged(typename memo_t::segment_shape const& sh) const {
        for (std::size_t a = 0; a < sh.n_attention; ++a) {
            auto const [k, slot] = sh.attention[a];
            if (memo_.key_changed_[slot] != 0) return false;  // only rows 0..i are compared yet
            if ((memo_.used_[answer_ * memo_t::steps + k] & memo_.value_changed_[slot]) != 0) return false;
        }
        return true;
    }
    void merge_layer(margins* m, margins const& lm) {
        if (lm == margins{}) return;  // most layers decide nothing the margins measure
        if (m) m->merge(lm);
        segment_margins_.merge(lm);
    }

    memo_t& memo_;
    seq const* s_ = nullptr;
    std::size_t i_ = 0, answer_ = 0;
    margins segment_margins_{}, layer_margins_{};
    update_sink sink_{};
};

}  // namespace ctformer
