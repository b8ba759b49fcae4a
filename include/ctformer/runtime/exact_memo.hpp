// ctformer/runtime/exact_memo.hpp — exact_reuse, the run-time checker's reuse policy: memos keyed
// by exact inputs, kept across every prompt a thread checks.
//
// A row's residual is named by an id: the memo keeps every distinct row it has seen once
// ("states"), compared word for word; from the segment on where no layer reads the row's one-hot
// token any more (blind_segment: in the seed, after the prologue) without its token block, so that
// answer rows differing only in their own token share what follows. What a layer makes of a row is
// a function of exact inputs:
//  * an MLP's: of the row alone (compiled_mlp::apply reads nothing else), so (state, layer) → state;
//  * an attention layer's decision (which rows get which weight, and its margins): of its query,
//    so of the row, and of the row count and the earlier rows' keys. A row's key is a function of
//    its token and position (the cached-embedding premise, sequence.hpp), and tokens whose keys
//    agree at a row form one "key class" there; so (state, layer, row count, key classes of rows
//    0..i) → decision. Its update is the decision's weights times the chosen rows' values
//    (compiled_attention::mix), and a value is a function of the row's "value class": so
//    (decision, value classes of the chosen rows) → state.
// A pass is then a walk from the embedding's state through these transitions; a layer runs only
// when a transition is new (and an MLP not even then if it has seen the values of the columns it
// reads: a second table per MLP). A whole segment (the prologue, a body pass, the epilogue) is a
// transition too, a chain: (state, context: the segment's kind, the row count and the key classes
// of its attention layers), then per attention layer the value classes of the rows it chose, to
// the state after the segment. Each answer row keeps, per segment, the states before and after it
// in the previous prompt (taken again when the state, the keys and the chosen rows' values are
// unchanged). In front of the tables sits a cache of the chains walked lately (32,768 of them,
// 64 bytes each, two to a set), found by the chain's start and the value classes of the rows its
// layers chose the previous time, then compared whole: the same chains come back every few hundred
// prompts, and a lookup in the large tables would miss the processor's caches. The token chosen
// from a final state is memoized too, and each answer row keeps its last choice.
// The walker (exact_walker, runtime/check.hpp) first tries each answer row by replays alone
// (exact_memo::replay_row), without the forward driver: per segment the previous prompt's record;
// else one of 16 earlier replays of the segment kept by entry state, valid while no row its
// attention layers chose has changed its token since, nor any key (an answer row whose own token
// changes, such as the one after the digit read last, finds its segments there); else the chain
// cache; else the tables. Beside a cached chain of the last body pass sits its "tail": the
// epilogue's output and the token chosen, functions of the chain's output state alone (the
// epilogue has no attention), so such a row costs one lookup. As a prompt begins, the chain-cache
// sets each row looked up last are prefetched, so that the rows' cache misses overlap. Only a row
// where some segment is new runs through forward with exact_reuse.
// Keys are compared whole, never by hash alone, and states word for word, so a replay gives the
// same bits as a run: tests/test_exact_memo.cpp compares answers, margins and every final row with
// memo_reuse's path. Run-time only (tables on the heap); the proofs use memo_reuse (runtime/memo.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana.hpp>

#include "ctformer/layers/update.hpp"
#include "ctformer/runtime/exact_tables.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/runtime/program_io.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

template <class Model>
class exact_reuse;
template <class Model>
class exact_walker;

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
    static_assert(attention_decision::max_rows_kept <= 8, "ctformer::exact_memo: value classes are packed 8 to a word");
    /// By default the memo starts afresh when it holds this many states (about 90 MB of rows and
    /// tables). A thread of the 10^8 check reaches some 50,000 (blind states, below).
    static constexpr std::size_t default_max_states = std::size_t{1} << 17;
    /// States one prompt may add beyond max_states before the next prompt starts afresh.
    static constexpr std::size_t reserve_margin = 4096;
    static constexpr std::size_t first_reserve = 4096;  ///< states reserved before the memo is known to grow

    /// The token block (columns 0 .. vocab_size − 1, the row's one-hot token): `blind_segment` is
    /// the first segment from which no layer reads it, provided no layer anywhere writes it and the
    /// unembedding does not read it (else `segments`: the memo keeps whole rows throughout). In the
    /// seed only the prologue's attention queries read it, so it is 1. A state from there on is
    /// kept with its token block zeroed (a "blind" state): the layers make the same bits of the
    /// other columns from it, and the block is the embedding's at the end of the pass. So answer
    /// rows that differ only in their own token share states, records and chains after the prologue.
    static constexpr std::size_t blind_segment = [] {
        std::size_t from = 0;
        bool whole = false;
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto) {
            for (auto c : layer.read_columns())
                if (c < vocab_size) from = step.segment + 1;
            for (auto c : layer.out_cols)
                if (c < vocab_size) whole = true;
        });
        auto const& unembed = detail::unembedding<Model>::lists;
        for (std::size_t e = unembed.start[0]; e < unembed.start[vocab_size]; ++e)
            if (unembed.index[e] < vocab_size) whole = true;
        return whole || from > segments ? segments : from;
    }();

    /// The states' storage is reserved in two steps: a few thousand rows at first (a small check
    /// needs no more), then, once those fill, all max_states of them at once (the pages touched
    /// only as states arrive): a vector growing by doubling would copy the 640-byte rows each time
    /// and touch twice the memory.
    explicit exact_memo(std::size_t max_states = default_max_states)
        : max_states_(max_states),
          reserved_((max_states < default_max_states ? max_states : default_max_states) + reserve_margin) {
        states_.reserve(first_reserve);
        state_hash_.reserve(first_reserve);
    }

    /// A prompt begins; the memo compares its tokens with the previous prompt's.
    void begin_prompt() {
        if (in_prompt_ || states_.size() >= max_states_) forget();
        in_prompt_ = true;
        ++serial_;
        checked_ = 0;
        key_changed_.fill(0);
        value_changed_.fill(0);
    }
    /// The prompt's rows 0..checked_ − 1 (their tokens) are what the next prompt is compared with.
    void end_prompt(std::uint8_t const* tokens) {
        for (std::size_t j = 0; j < checked_; ++j) prev_tokens_[j] = tokens[j];
        for (std::size_t j = checked_; j < compared_before_; ++j) prev_tokens_[j] = unknown;
        compared_before_ = checked_;
        in_prompt_ = false;
    }

    /// How much the memo holds (the benchmark's report), and how often it started afresh.
    struct sizes {
        std::size_t states, transitions, layer_entries, restarts;
        std::uint64_t rows_replayed;  ///< answer rows that replay_row took whole
        std::uint64_t rows_forward;  ///< answer rows that ran through forward (some segment new)
    };
    sizes size() const {
        std::size_t layer = 0;
        hana::for_each(read_tables_, [&](auto const& t) { layer += t.table.size(); });
        return {states_.size(), mlp_next_.size() + decisions_.size() + attention_next_.size() + segment_first_.size() + segment_next_.size(),
                layer, restarts_, rows_replayed_, rows_forward_};
    }

private:
    friend class exact_reuse<Model>;
    friend class exact_walker<Model>;
    static constexpr std::uint8_t unknown = 0xff;
    static constexpr std::uint32_t none = ~std::uint32_t{0};
    using raw_row = std::array<std::int64_t, width>;

    // ---- the program's shape, as tables ----
    struct attention_step {
        std::size_t step, slot;
    };
    struct segment_shape {  ///< a segment's attention steps
        std::array<attention_step, shape::distinct> attention{};
        std::size_t n_attention = 0;
    };
    static constexpr std::size_t most_attention = [] {
        std::array<std::size_t, segments> n{};
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) ++n[step.segment];
        });
        std::size_t most = 0;
        for (auto v : n) most = v > most ? v : most;
        return most;
    }();
    /// A segment's context: its kind (0 the prologue, 1 a body pass, 2 the epilogue: the body's
    /// passes share their layers), the row count i + 1, and the key classes of rows 0..i for each
    /// of its attention layers.
    static constexpr std::size_t context_words = 2 + most_attention * fingerprint_words;
    static constexpr std::size_t kind_of(std::size_t segment) {
        return segment == 0 ? 0 : segment + 1 == segments ? 2 : 1;
    }
    static constexpr std::array<segment_shape, segments> segment_shapes = [] {
        std::array<segment_shape, segments> out{};
        for_each_step(Model::net, Model::digits, [&](auto const& layer, program_step step, auto slot) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                segment_shape& sh = out[step.segment];
                sh.attention[sh.n_attention++] = attention_step{step.index, decltype(slot)::value};
            }
        });
        return out;
    }();

    /// Forgets every state and transition (and what the previous prompt was).
    void forget() {
        if (!states_.empty()) ++restarts_;
        states_.clear();
        state_index_.clear();
        state_hash_.clear();
        blind_.clear();
        embedding_state_.assign(max_rows * vocab_size, none);
        mlp_next_.clear();
        decisions_.clear();
        decision_nodes_.clear();
        attention_next_.clear();
        contexts_.clear();
        segment_first_.clear();
        segment_next_.clear();
        segment_nodes_.clear();
        choices_.clear();
        margin_sets_.resize(1);
        margin_ids_.clear();
        chain_rows_.assign(chain_rows_.size(), chain_rows{});
        chain_cache_.assign(chain_cache_.size(), cached_chain{});
        recent_.assign(recent_.size(), recent_record{});
        chain_tails_.assign(chain_tails_.size(), chain_tail{});
        prev_tokens_.fill(unknown);
        compared_before_ = 0;
        last_choices_.assign(last_choices_.size(), last_choice{});
        serial_ += 2;  // no segment record is from the previous prompt
    }

    token_classes<Model> const* classes_ = &token_classes<Model>::get();  ///< the tokens' key and value classes
    std::size_t max_states_;
    std::uint64_t rows_replayed_ = 0, rows_forward_ = 0;
    std::size_t reserved_;  ///< the states' storage reserved once first_reserve fill
    std::size_t restarts_ = 0;

    // ---- states: every distinct residual row seen, by id ----
    detail::big_vector<raw_row> states_;
    detail::big_vector<std::uint32_t> state_index_;  ///< open addressing: id + 1, 0 empty
    detail::big_vector<std::uint64_t> state_hash_;
    std::vector<std::uint32_t> embedding_state_ = std::vector<std::uint32_t>(max_rows * vocab_size, none);

    /// The state of row x; `blind`: with its token block zeroed (see blind_segment).
    std::uint32_t intern(row const& x, bool blind = false) {
        raw_row r;
        std::memcpy(r.data(), x.data(), sizeof r);
        if (blind) std::fill_n(r.begin(), vocab_size, std::int64_t{0});
        std::uint64_t const h = detail::hash_words(r.data(), width);
        if (2 * (states_.size() + 1) > state_index_.size()) grow_states();
        std::size_t const mask = state_index_.size() - 1;
        std::size_t p = h & mask;
        for (; state_index_[p] != 0; p = (p + 1) & mask) {
            std::uint32_t const id = state_index_[p] - 1;
            if (state_hash_[id] == h && states_[id] == r) return id;
        }
        auto const id = static_cast<std::uint32_t>(states_.size());
        if (states_.size() == states_.capacity() && states_.capacity() < reserved_) {
            states_.reserve(reserved_);
            state_hash_.reserve(reserved_);
        }
        states_.push_back(r);
        state_hash_.push_back(h);
        state_index_[p] = id + 1;
        return id;
    }
    void grow_states() {
        state_index_.assign(state_index_.empty() ? 1024 : 2 * state_index_.size(), 0);
        std::size_t const mask = state_index_.size() - 1;
        for (std::uint32_t id = 0; id < states_.size(); ++id) {
            std::size_t p = state_hash_[id] & mask;
            while (state_index_[p] != 0) p = (p + 1) & mask;
            state_index_[p] = id + 1;
        }
    }
    void load(std::uint32_t id, row& x) const { std::memcpy(static_cast<void*>(x.data()), states_[id].data(), sizeof(raw_row)); }
    /// Row i's whole row from a state that enters or leaves `segment`: a blind state gets the
    /// token block back from the row's embedding.
    void load_row(std::uint32_t id, row& x, std::uint8_t const* tokens, std::size_t i, std::size_t segment) {
        load(id, x);
        if (blind_segment < segments && segment >= blind_segment) {
            raw_row const& e = states_[embedding_state(tokens, i)];
            for (std::size_t c = 0; c < vocab_size; ++c) x[c] = fixed::from_raw(e[c]);
        }
    }
    /// Per state: the same row with its token block zeroed (none: not asked for yet).
    std::vector<std::uint32_t> blind_;
    std::uint32_t blind(std::uint32_t id) {
        if (id < blind_.size() && blind_[id] != none) return blind_[id];
        row x;
        load(id, x);
        std::uint32_t const b = intern(x, true);
        if (blind_.size() < states_.size()) blind_.resize(std::max(states_.size(), 2 * blind_.size()), none);
        blind_[id] = b;
        blind_[b] = b;
        return b;
    }

    // ---- transitions ----
    struct next_state {
        std::uint32_t state = 0;
        std::uint32_t margins = 0;  ///< index into margin_sets_
    };
    std::vector<margins> margin_sets_ = std::vector<margins>(1);  ///< [0]: a layer that decides nothing measured
    detail::exact_table<4, std::uint32_t> margin_ids_;  ///< a margin set → its index: each set is kept once
    std::uint32_t margins_index(margins const& m) {
        if (m == margins{}) return 0;
        detail::word_key<4> const key{{m.attention_weight.raw, m.attention_gap.raw, m.copy_input.raw, m.logit_gap.raw}};
        std::uint64_t const h = margin_ids_.hash(key);
        if (std::uint32_t const* id = margin_ids_.find(h, key)) return *id;
        auto const id = static_cast<std::uint32_t>(margin_sets_.size());
        margin_sets_.push_back(m);
        margin_ids_.insert(h, key, id);
        return id;
    }
    struct decision_node {
        attention_decision d{};
        margins m{};
    };
    detail::id_table<next_state> mlp_next_;  ///< (state, layer) → state
    detail::exact_table<3 + fingerprint_words, std::uint32_t> decisions_;  ///< (state, layer, i, key classes) → node
    detail::big_vector<decision_node> decision_nodes_;
    detail::id_table<std::uint32_t, true> attention_next_;  ///< (node, chosen rows' value classes) → state

    // ---- per segment: (state, segment, i, key classes) → a chain of nodes, one per attention
    // layer in it, each followed by the value classes of the rows that layer chose ----
    struct segment_node {
        std::uint8_t n_rows = 0;  ///< the next attention layer's chosen rows (none after the last)
        std::array<std::uint8_t, attention_decision::max_rows_kept> rows{};
        std::uint32_t out = 0;  ///< the last node: the state after the segment
        std::uint32_t margins = 0;  ///< the last node: the segment's margins, an index into margin_sets_
        std::uint64_t used = 0;  ///< the next attention layer's rows with a weight
    };
    detail::exact_table<context_words, std::uint32_t> contexts_;  ///< context → id
    detail::id_table<std::uint32_t> segment_first_;  ///< (state, context id) → first node
    detail::id_table<std::uint32_t, true> segment_next_;  ///< (node, value classes) → node
    detail::big_vector<segment_node> segment_nodes_;

    // ---- per final state: the token chosen and the logit gap ----
    struct choice {
        std::uint32_t token = 0;
        std::uint32_t margins = 0;  ///< index into margin_sets_
    };
    detail::id_table<choice> choices_;  ///< (state, 0) → choice

    // ---- per MLP: the values of the columns it reads → its update ----
    struct recorded_update {
        std::uint16_t n = 0;
        std::array<std::uint16_t, io.max_writes> columns{};
        std::array<std::int64_t, io.max_writes> values{};
        margins m{};
    };
    template <class Layer>
    struct read_table {
        static constexpr std::size_t inputs = [] {
            if constexpr (Layer::is_attention)
                return std::size_t{1};
            else
                return Layer::n_inputs;
        }();
        detail::exact_table<inputs, recorded_update> table;
        detail::word_key<inputs> pending{};  ///< the key of the layer that runs now
        std::uint64_t pending_hash = 0;
    };
    static auto make_read_tables() {
        return hana::transform(hana::to_tuple(hana::make_range(hana::size_c<0>, hana::size_c<shape::distinct>)), [](auto slot) {
            return read_table<std::remove_cvref_t<decltype(seq::distinct_layer(slot))>>{};
        });
    }
    decltype(make_read_tables()) read_tables_ = make_read_tables();
    recorded_update update_{};  ///< what the MLP that runs now reports
    attention_decision decision_{};  ///< what the attention layer that runs now decides

    // ---- per answer row and segment: the states before and after it in the last prompt ----
    struct segment_record {
        std::uint64_t serial = 0;  ///< the prompt it holds for (0: none)
        std::uint32_t entry = 0, out = 0;
        margins m{};
    };
    std::vector<segment_record> records_ = std::vector<segment_record>(answer_rows * segments);

    // ---- the chains walked lately, in a small cache in front of the tables (most lookups of the
    // tables would miss the processor's caches): a chain is found by its start (entry state and
    // context) and the value classes its first attention layer reads, then checked whole ----
    struct chain_link {  ///< one attention layer of a chain: the rows it chose and their value classes
        std::uint8_t n_rows = 0;
        std::array<std::uint8_t, attention_decision::max_rows_kept> rows{};
        std::uint64_t used = 0;
        std::uint32_t classes = 0;
    };
    struct cached_link {
        std::uint32_t classes = 0;
        std::uint8_t n_rows = 0;
        std::array<std::uint8_t, attention_decision::max_rows_kept> rows{};
    };
    struct cached_chain {  ///< 64 bytes for the seed's three attention layers at most in a segment
        std::uint32_t entry = none, context = 0, out = 0, margins = 0;  ///< margins: an index into margin_sets_
        std::array<cached_link, most_attention> links{};
    };
    struct head_link {
        std::uint8_t n_rows = 0;
        std::array<std::uint8_t, attention_decision::max_rows_kept> rows{};
    };
    using chain_rows = std::array<head_link, most_attention>;
    static constexpr std::size_t chain_sets = 16384, chain_ways = 2;
    static std::uint64_t start_hash(std::uint32_t entry, std::uint32_t context) {
        std::uint64_t const h = (std::uint64_t{entry} << 32 | context) * 0x9e3779b97f4a7c15ull;
        return h ^ (h >> 29);
    }
    static std::size_t chain_set(std::uint64_t start, std::uint64_t classes) {
        std::uint64_t const h = (start ^ classes) * 0xbf58476d1ce4e5b9ull;
        return (h >> 40) & (chain_sets - 1);
    }
    /// The value classes of every attention layer of a chain, as one word, for chain_set.
    static std::uint64_t chain_classes(std::uint64_t packed, std::size_t a, std::uint32_t classes) {
        return packed ^ (std::uint64_t{classes} * 0x9e3779b97f4a7c15ull >> (a * 7));
    }
    /// Per answer row and segment: the rows its attention layers chose the last time (in a prompt of
    /// one shape they are the same from prompt to prompt: the guess that finds a chain's set).
    std::vector<chain_rows> chain_rows_ = std::vector<chain_rows>(answer_rows * segments);
    detail::big_vector<cached_chain> chain_cache_ = detail::big_vector<cached_chain>(chain_sets * chain_ways);
    /// A row's last segment with attention (tail_segment) is followed by attention-free segments
    /// only (the seed's epilogue): what they make of the chain's output state, and the token chosen
    /// from there, are functions of that state alone. Beside each cached chain of tail_segment:
    /// the state after the epilogue, its margins, the token and the logit gap, valid while `from`
    /// is the chain's output (written by replay_row).
    static constexpr bool has_tail = segments >= 2 && segment_shapes[segments - 1].n_attention == 0 &&
                                     segment_shapes[segments - 2].n_attention != 0;
    static constexpr std::size_t tail_segment = has_tail ? segments - 2 : segments;  ///< segments: none
    struct chain_tail {
        std::uint32_t from = none, out = 0, margins = 0;  ///< margins: the epilogue's, an index into margin_sets_
        std::uint32_t choice = 0;  ///< the token | the logit gap's index into margin_sets_ << 8
    };
    static_assert(vocab_size <= 256, "ctformer::exact_memo: a chain tail keeps the token in 8 bits");
    detail::big_vector<chain_tail> chain_tails_ = detail::big_vector<chain_tail>(has_tail ? chain_sets * chain_ways : 0);
    std::vector<std::uint8_t> chain_victim_ = std::vector<std::uint8_t>(chain_sets);
    /// Per answer row and segment kind: the context id, and the prompt it was computed in.
    struct context_record {
        std::uint64_t serial = 0;
        std::uint32_t id = 0;
    };
    std::vector<context_record> context_records_ = std::vector<context_record>(answer_rows * 3);

    // ---- per answer row: the token its last final state chose ----
    struct last_choice {
        std::uint32_t state = none, token = 0, margins = 0;
    };
    std::vector<last_choice> last_choices_ = std::vector<last_choice>(answer_rows);
    std::vector<std::uint64_t> used_ = std::vector<std::uint64_t>(answer_rows * steps);  ///< attention: rows with a weight

    // ---- per prompt: what changed since the previous one ----
    std::uint64_t serial_ = 2;
    bool in_prompt_ = false;
    std::size_t checked_ = 0;  ///< rows 0..checked_ − 1 compared with the previous prompt
    std::size_t compared_before_ = 0;  ///< rows the previous prompt compared (prev_tokens_ beyond them: unknown)
    std::array<std::uint8_t, max_rows> prev_tokens_ = [] {
        std::array<std::uint8_t, max_rows> t{};
        t.fill(unknown);
        return t;
    }();
    std::array<std::uint64_t, shape::distinct> key_changed_{}, value_changed_{};  ///< bit j: row j's key (value) changed
    std::array<std::uint64_t, max_rows> token_changed_at_{};  ///< the prompt (serial_) in which row j last changed its token
    std::array<std::uint64_t, shape::distinct> key_changed_at_{};  ///< the last prompt in which a row's key class changed there

    // ---- per answer row and segment: a few earlier replays, by entry state (recent_ways of them),
    // each valid while no row its attention layers chose has changed its token since, nor any key ----
    struct recent_record {
        std::uint32_t entry = none, out = 0, margins = 0;  ///< margins: an index into margin_sets_
        std::uint64_t serial = 0;  ///< the prompt it was taken in
        std::array<std::uint64_t, most_attention> used{};  ///< per attention layer: the rows it chose
    };
    static constexpr std::size_t recent_ways = 16;
    std::vector<recent_record> recent_ = std::vector<recent_record>(answer_rows * segments * recent_ways);
    static std::size_t recent_way(std::uint32_t entry) { return (entry * 0x9e3779b9u) >> 28; }
    static_assert(recent_ways == 16, "ctformer::exact_memo: recent_way takes 4 bits");
    recent_record* recent(std::size_t answer, std::size_t segment, std::uint32_t entry) {
        return &recent_[(answer * segments + segment) * recent_ways + recent_way(entry)];
    }
    /// An earlier replay of the segment from this entry state holds now: the same keys, and the
    /// same tokens in every row its attention layers chose.
    bool recent_holds(recent_record const& r, std::uint32_t entry, segment_shape const& sh) const {
        if (r.entry != entry) return false;
        for (std::size_t a = 0; a < sh.n_attention; ++a) {
            if (key_changed_at_[sh.attention[a].slot] > r.serial) return false;
            for (std::uint64_t rows = r.used[a]; rows != 0; rows &= rows - 1)
                if (token_changed_at_[static_cast<std::size_t>(__builtin_ctzll(rows))] > r.serial) return false;
        }
        return true;
    }
    std::array<std::array<std::uint64_t, fingerprint_words>, shape::distinct> fingerprint_{};  ///< key classes, 4 bits a row

    /// Compares rows checked_..i with the previous prompt and updates the key-class fingerprints.
    void check_rows(std::uint8_t const* tokens, std::size_t i) {
        token_classes<Model> const& classes = *classes_;
        for (std::size_t j = checked_; j <= i; ++j) {
            std::uint8_t const now = tokens[j], before = prev_tokens_[j];
            if (now == before) continue;
            token_changed_at_[j] = serial_;
            for (std::size_t slot = 0; slot < shape::distinct; ++slot) {
                if (!io.attention_slots[slot]) continue;
                std::uint8_t const kc = classes.key[slot][j][now];
                if (before == unknown || classes.key[slot][j][before] != kc) {
                    key_changed_[slot] |= std::uint64_t{1} << j;
                    key_changed_at_[slot] = serial_;
                }
                if (before == unknown || classes.value[slot][j][before] != classes.value[slot][j][now])
                    value_changed_[slot] |= std::uint64_t{1} << j;
                std::uint64_t& word = fingerprint_[slot][j / 16];
                word = (word & ~(std::uint64_t{0xf} << (4 * (j % 16)))) | (std::uint64_t{kc} << (4 * (j % 16)));
            }
        }
        if (i + 1 > checked_) checked_ = i + 1;
    }

    // ---- the pieces of a replay, shared by exact_reuse and replay_row ----
    /// The rows a decision with these chosen rows gave a weight (bit j: row j).
    static std::uint64_t used_of(std::uint8_t const* rows, std::size_t n) {
        std::uint64_t used = 0;
        for (std::size_t u = 0; u < n; ++u) used |= std::uint64_t{1} << rows[u];
        return used;
    }
    /// The value classes of the chosen rows at the attention layer `slot`, 4 bits each.
    std::uint32_t value_classes(std::uint8_t const* tokens, std::uint8_t const* rows, std::size_t n, std::size_t slot) const {
        auto const& classes = classes_->value[slot];
        std::uint32_t packed = 0;
        for (std::size_t u = 0; u < n; ++u) packed |= std::uint32_t{classes[rows[u]][tokens[rows[u]]]} << (4 * u);
        return packed;
    }
    /// Row i's embedding, as a state.
    std::uint32_t embedding_state(std::uint8_t const* tokens, std::size_t i) {
        std::uint32_t& e = embedding_state_[i * vocab_size + tokens[i]];
        if (e == none) e = intern(Model::net.embedding(tokens[i], i));
        return e;
    }
    /// Every attention layer of the segment sees the keys it saw in the previous prompt, and the
    /// values of the rows it chose then (rows 0..i compared: check_rows).
    bool attention_unchanged(std::size_t answer, segment_shape const& sh) const {
        for (std::size_t a = 0; a < sh.n_attention; ++a) {
            auto const [k, slot] = sh.attention[a];
            if (key_changed_[slot] != 0) return false;
            if ((used_[answer * steps + k] & value_changed_[slot]) != 0) return false;
        }
        return true;
    }
    /// The answer row's segment takes the previous prompt's record: the same entry state, keys and
    /// chosen rows' values.
    bool record_replays(std::size_t answer, std::size_t segment, std::uint32_t state) const {
        segment_record const& rec = records_[answer * segments + segment];
        return rec.serial + 1 == serial_ && rec.entry == state && attention_unchanged(answer, segment_shapes[segment]);
    }
    /// A row's contexts of the previous prompt hold in this one where no key class of rows 0..i
    /// changed in the kind's attention layers (called as the row's pass begins).
    void refresh_contexts(std::size_t answer) {
        constexpr std::array<std::size_t, 3> example{0, 1, segments - 1};  // a segment of each kind
        for (std::size_t kind = 0; kind < 3; ++kind) {
            context_record& known = context_records_[answer * 3 + kind];
            if (known.serial + 1 != serial_) continue;
            auto const& sh = segment_shapes[example[kind]];
            bool same = true;
            for (std::size_t a = 0; a < sh.n_attention && same; ++a) same = key_changed_[sh.attention[a].slot] == 0;
            if (same) known.serial = serial_;
        }
    }
    /// The context id of the answer row's segment kind in this prompt, if known (else none).
    std::uint32_t known_context(std::size_t answer, std::size_t kind) const {
        context_record const& known = context_records_[answer * 3 + kind];
        return known.serial == serial_ ? known.id : none;
    }
    /// The set of the chain cache where the answer row's segment from `state` in `context` is
    /// looked for: by its start and the value classes of the rows its layers chose the last time.
    std::size_t guessed_set(std::size_t answer, std::size_t segment, std::uint32_t state, std::uint32_t context,
                            std::uint8_t const* tokens) const {
        segment_shape const& sh = segment_shapes[segment];
        std::uint64_t classes = 0;
        auto const& guess = chain_rows_[answer * segments + segment];
        for (std::size_t a = 0; a < sh.n_attention; ++a)
            classes = chain_classes(classes, a, value_classes(tokens, guess[a].rows.data(), guess[a].n_rows, sh.attention[a].slot));
        return chain_set(start_hash(state, context), classes);
    }
    /// As a prompt begins: each answer row will most likely look up the chain of the segment it
    /// looked up last, from the state that segment began in then. Asking the processor for those
    /// sets now lets the rows' cache misses overlap (the rows run one after another: each reads
    /// the token the one before chose). `tokens`: the prompt's, and the previous answer's after it.
    void prefetch_rows(std::uint8_t const* tokens) const {
        for (std::size_t answer = 0; answer < answer_rows; ++answer) {
            std::size_t const segment = looked_up_[answer];
            if (segment >= segments) continue;
            context_record const& known = context_records_[answer * 3 + kind_of(segment)];
            if (known.serial + 1 < serial_) continue;
            std::uint32_t const entry = records_[answer * segments + segment].entry;
            std::size_t const set = guessed_set(answer, segment, entry, known.id, tokens);
            __builtin_prefetch(chain_cache_.data() + set * chain_ways);
            if (segment == tail_segment) __builtin_prefetch(chain_tails_.data() + set * chain_ways);
        }
    }
    /// Per answer row: the last segment replay_row looked up in the chain cache (segments: none).
    std::array<std::size_t, answer_rows> looked_up_ = [] {
        std::array<std::size_t, answer_rows> a{};
        a.fill(segments);
        return a;
    }();

    /// The chain of the answer row's segment from `state` in `context` among the chains walked
    /// lately, if any: its start equal, and each of its attention layers' chosen rows of the value
    /// classes it recorded. (A chain is a function of its start and those classes: the first
    /// layer's decision is one of the start, the next one's of the state after it, and so on.)
    cached_chain const* cached(std::size_t answer, std::size_t segment, std::uint32_t state, std::uint32_t context,
                               std::uint8_t const* tokens) {
        segment_shape const& sh = segment_shapes[segment];
        std::size_t const set = guessed_set(answer, segment, state, context, tokens);
        if (segment == tail_segment) __builtin_prefetch(chain_tails_.data() + set * chain_ways);  // read right after a hit
        cached_chain const* way = chain_cache_.data() + set * chain_ways;
        for (std::size_t w = 0; w < chain_ways; ++w, ++way) {
            if (way->entry != state || way->context != context) continue;
            bool same = true;
            for (std::size_t a = 0; a < sh.n_attention && same; ++a)
                same = way->links[a].classes == value_classes(tokens, way->links[a].rows.data(), way->links[a].n_rows, sh.attention[a].slot);
            if (same) {
                chain_victim_[set] = static_cast<std::uint8_t>((w + 1) % chain_ways);  // the least recently used goes next
                return way;
            }
        }
        return nullptr;
    }
    /// The attention layers of the answer row's segment chose the rows of the cached chain `c`.
    void take_used(std::size_t answer, std::size_t segment, cached_chain const& c) {
        segment_shape const& sh = segment_shapes[segment];
        for (std::size_t a = 0; a < sh.n_attention; ++a)
            used_[answer * steps + sh.attention[a].step] = used_of(c.links[a].rows.data(), c.links[a].n_rows);
    }
    /// The chain of the answer row's segment from `state` in `context` in the tables: per attention
    /// layer the rows it chose (links, n of them, with their value classes now); the last node
    /// (the state after the segment and its margins) or none where the tables lack the chain.
    std::uint32_t find_chain(std::size_t segment, std::uint32_t state, std::uint32_t context, std::uint8_t const* tokens,
                             std::array<chain_link, most_attention>& links, std::size_t& n) const {
        segment_shape const& sh = segment_shapes[segment];
        n = 0;
        std::uint32_t const* first = segment_first_.find(state, context);
        if (!first) return none;
        std::uint32_t node = *first;
        for (std::size_t a = 0; a < sh.n_attention; ++a) {
            segment_node const& nd = segment_nodes_[node];
            chain_link& link = links[n++];
            link.n_rows = nd.n_rows;
            link.rows = nd.rows;
            link.used = nd.used;
            link.classes = value_classes(tokens, nd.rows.data(), nd.n_rows, sh.attention[a].slot);
            std::uint32_t const* next = segment_next_.find(node, link.classes);
            if (!next) return none;
            node = *next;
        }
        return node;
    }
    /// Keeps a chain (from `entry` in `context`, its links, to `out`) among the chains walked
    /// lately, in place of the least recently used of its set (of two); its rows are the next guess
    /// of the row's segment.
    std::size_t cache_chain(std::size_t answer, std::size_t segment, std::uint32_t entry, std::uint32_t context,
                            chain_link const* links, std::size_t n, std::uint32_t out, std::uint32_t margins_id) {
        std::uint64_t const start = start_hash(entry, context);
        std::uint64_t classes = 0;
        auto& guess = chain_rows_[answer * segments + segment];
        for (std::size_t a = 0; a < n; ++a) {
            guess[a] = {links[a].n_rows, links[a].rows};
            classes = chain_classes(classes, a, links[a].classes);
        }
        std::size_t const set = chain_set(start, classes);
        std::uint8_t& victim = chain_victim_[set];
        std::size_t const slot = set * chain_ways + victim;
        cached_chain& c = chain_cache_[slot];
        victim = static_cast<std::uint8_t>((victim + 1) % chain_ways);
        c.entry = entry;
        c.context = context;
        c.out = out;
        c.margins = margins_id;
        for (std::size_t a = 0; a < n; ++a) c.links[a] = {links[a].classes, links[a].n_rows, links[a].rows};
        return slot;
    }

    /// The token a final state chooses (memoized by the state, and per answer row its last
    /// choice); `x` is the state's row where the caller has it written out.
    std::size_t choose_state(std::size_t answer, std::uint32_t state, row const* x, margins* m, std::uint32_t* margins_id = nullptr) {
        last_choice& last = last_choices_[answer];
        if (last.state == state) {
            if (m && last.margins != 0) m->merge(margin_sets_[last.margins]);
            if (margins_id) *margins_id = last.margins;
            return last.token;
        }
        if (choice const* c = choices_.find(state, 0)) {
            if (m && c->margins != 0) m->merge(margin_sets_[c->margins]);
            last = {state, c->token, c->margins};
            if (margins_id) *margins_id = c->margins;
            return c->token;
        }
        margins made{};
        row final_row;
        if (x)
            final_row = *x;
        else
            load(state, final_row);
        std::size_t const token = ctformer::choose<Model>(final_row, &made);
        choice const c{static_cast<std::uint32_t>(token), margins_index(made)};
        choices_.insert(state, 0, c);
        last = {state, c.token, c.margins};
        if (m) m->merge(made);
        if (margins_id) *margins_id = c.margins;
        return token;
    }

    /// A segment's replay in replay_row, written into the records once the whole row replays.
    struct taken {
        bool recorded;  ///< the previous prompt's record
        std::uint32_t entry, out, margins;
        std::array<std::uint64_t, most_attention> used;
    };
    /// The row replayed to the final state s: its segments into the records (and the earlier
    /// replays), their margins into m, and the token chosen (from the tail where one held, else by
    /// the state, keeping a new tail beside the chain of tail_segment in tail_slot).
    std::size_t keep_row(std::size_t answer, std::array<taken, segments> const& took, std::uint32_t s, chain_tail const* tail,
                         std::size_t tail_slot, margins* m) {
        each_segment([&](auto segment_c) {
            constexpr std::size_t segment = decltype(segment_c)::value;
            constexpr segment_shape const& sh = segment_shapes[segment];
            segment_record& rec = records_[answer * segments + segment];
            taken const& t = took[segment];
            rec.serial = serial_;
            if (!t.recorded) {
                for (std::size_t a = 0; a < sh.n_attention; ++a) used_[answer * steps + sh.attention[a].step] = t.used[a];
                rec.entry = t.entry;
                rec.out = t.out;
                rec.m = margin_sets_[t.margins];
                *recent(answer, segment, t.entry) = {t.entry, t.out, t.margins, serial_, t.used};
            }
            if (m) m->merge(rec.m);
            return true;
        });
        ++rows_replayed_;
        if (tail) {
            if (m) m->merge(margin_sets_[tail->choice >> 8]);
            return tail->choice & 0xff;
        }
        std::uint32_t choice_margins = 0;
        std::size_t const token = choose_state(answer, s, nullptr, m, &choice_margins);
        if (tail_slot < chain_cache_.size() && choice_margins < (std::uint32_t{1} << 24)) {
            taken const& epilogue = took[segments - 1];
            std::uint32_t const margins_id = epilogue.recorded ? margins_index(records_[answer * segments + segments - 1].m) : epilogue.margins;
            chain_tails_[tail_slot] = {epilogue.entry, epilogue.out, margins_id, static_cast<std::uint32_t>(token) | choice_margins << 8};
        }
        return token;
    }

    /// f(std::integral_constant<std::size_t, segment>) for each segment in order, while it returns true.
    template <class F>
    static bool each_segment(F&& f) {
        return [&]<std::size_t... S>(std::index_sequence<S...>) {
            return (f(std::integral_constant<std::size_t, S>{}) && ...);
        }(std::make_index_sequence<segments>{});
    }

    /// The pass of row i (answer row i − first_answer_row) by replays alone, none of the forward
    /// driver's work: from the row's embedding, each segment takes the previous prompt's record
    /// (record_replays), a chain walked lately (cached) or a chain of the tables (find_chain); a
    /// cached chain of tail_segment may bring the epilogue's output and the token too (chain_tail).
    /// True, with the final state and the token chosen from it, when every segment did; false when
    /// one did not (a layer in it must run, or its context is not known yet), having changed
    /// nothing the forward pass relies on (the records are written only when the whole row
    /// replays): then the row runs through forward with exact_reuse.
    bool replay_row(std::uint8_t const* tokens, std::size_t i, std::uint32_t& state, std::size_t& token, margins* m) {
        std::size_t const answer = i - first_answer_row;
        check_rows(tokens, i);
        refresh_contexts(answer);
        std::array<taken, segments> took;  // written before read, segment by segment
        std::array<chain_link, most_attention> links;
        std::size_t tail_slot = chain_cache_.size();  // the slot of tail_segment's chain, if it came from a chain
        chain_tail const* tail = nullptr;  // a tail that holds for it
        std::uint32_t s = embedding_state(tokens, i);
        // One segment; false where it neither replays nor finds its chain. The segments are
        // compile-time constants, so each one's attention layers are known to the compiler.
        auto const replay_segment = [&](auto segment_c) -> bool {
            constexpr std::size_t segment = decltype(segment_c)::value;
            constexpr segment_shape const& sh = segment_shapes[segment];
            if constexpr (segment == blind_segment) s = blind(s);
            taken& t = took[segment];
            t.entry = s;
            t.recorded = false;
            if constexpr (segment == tail_segment + 1) {
                if (tail) {  // the epilogue, from the chain's tail
                    t.out = tail->out;
                    t.margins = tail->margins;
                    t.used = {};
                    s = t.out;
                    return true;
                }
            }
            if (record_replays(answer, segment, s)) {
                t.recorded = true;
                t.out = records_[answer * segments + segment].out;
                s = t.out;
                return true;
            }
            if (recent_record const* r = recent(answer, segment, s); recent_holds(*r, s, sh)) {
                t.out = r->out;
                t.margins = r->margins;
                t.used = r->used;
                s = t.out;
                return true;
            }
            std::uint32_t const context = known_context(answer, kind_of(segment));
            if (context == none) return false;
            looked_up_[answer] = segment;
            if (cached_chain const* c = cached(answer, segment, s, context, tokens)) {
                t.out = c->out;
                t.margins = c->margins;
                for (std::size_t a = 0; a < sh.n_attention; ++a) t.used[a] = used_of(c->links[a].rows.data(), c->links[a].n_rows);
                if constexpr (segment == tail_segment) {
                    tail_slot = static_cast<std::size_t>(c - chain_cache_.data());
                    if (chain_tails_[tail_slot].from == c->out) tail = &chain_tails_[tail_slot];
                }
            } else {
                std::size_t n = 0;
                std::uint32_t const last = find_chain(segment, s, context, tokens, links, n);
                if (last == none) return false;
                t.out = segment_nodes_[last].out;
                t.margins = segment_nodes_[last].margins;
                for (std::size_t a = 0; a < n; ++a) t.used[a] = links[a].used;
                std::size_t const slot = cache_chain(answer, segment, s, context, links.data(), n, t.out, t.margins);
                if constexpr (segment == tail_segment) tail_slot = slot;
            }
            s = t.out;
            return true;
        };
        if (!each_segment(replay_segment)) return false;
        state = s;
        token = keep_row(answer, took, s, tail, tail_slot, m);
        return true;
    }
};

/// The policy (see the top of this file) for one pass: a handle on the walker's exact_memo. It
/// follows the row as a state id; the row itself is written out only where a layer runs, and at
/// the end of the pass.
template <class Model>
class exact_reuse {
public:
    static constexpr bool reuses = true;
    static constexpr bool starts_from_memo = true;  ///< forward leaves x to the policy (see begin)
    using memo_t = exact_memo<Model>;
    using row = typename memo_t::row;
    using seq = typename memo_t::seq;

    /// With `rows_wanted` false the pass's result is the state alone: forward returns a row that
    /// is not written out, and choose() reads the state (the checker, which wants the token).
    exact_reuse(memo_t& memo, bool rows_wanted) : memo_(memo), rows_wanted_(rows_wanted) {}

    void begin(seq const& s, std::size_t i) {
        if (i < memo_t::first_answer_row || i >= memo_t::first_answer_row + memo_t::answer_rows)
            throw sequence_error("ctformer::exact_reuse: the row is not an answer row of the model's prompt");
        tokens_ = s.tokens();
        i_ = i;
        answer_ = i - memo_t::first_answer_row;
        memo_.check_rows(tokens_, i);
        memo_.refresh_contexts(answer_);
        state_ = memo_.embedding_state(tokens_, i);
        blind_ = false;
        written_ = false;  // x is written out from the state where a layer runs, and at the end
    }

    /// choose() of the row the pass ended in, by its state.
    std::size_t choose(row const& x, margins* m) { return memo_.choose_state(answer_, state_, rows_wanted_ ? &x : nullptr, m); }

    bool replays_segment(std::size_t segment, std::size_t, row&, margins* m) {
        if (segment == memo_t::blind_segment) {  // x, where written, keeps the token block: no layer from here reads it
            state_ = memo_.blind(state_);
            blind_ = true;
        }
        auto& rec = memo_.records_[answer_ * memo_t::segments + segment];
        auto const& sh = memo_t::segment_shapes[segment];
        if (memo_.record_replays(answer_, segment, state_)) {
            take_segment(rec, rec.out, rec.m, m);
            return true;
        }
        rec.entry = state_;
        // The segment's chain: (state, context) and then, per attention layer, the value classes
        // of the rows it chose: first among the chains walked lately, then in the tables.
        segment_context_ = context(segment);
        if (auto const* c = memo_.cached(answer_, segment, state_, segment_context_, tokens_)) {
            memo_.take_used(answer_, segment, *c);
            take_segment(rec, c->out, memo_.margin_sets_[c->margins], m);
            return true;
        }
        std::uint32_t const last = memo_.find_chain(segment, state_, segment_context_, tokens_, chain_, chain_length_);
        if (last != memo_t::none) {
            for (std::size_t a = 0; a < chain_length_; ++a) memo_.used_[answer_ * memo_t::steps + sh.attention[a].step] = chain_[a].used;
            auto const& nd = memo_.segment_nodes_[last];
            memo_.cache_chain(answer_, segment, state_, segment_context_, chain_.data(), chain_length_, nd.out, nd.margins);
            take_segment(rec, nd.out, memo_.margin_sets_[nd.margins], m);
            return true;
        }
        rec.serial = 0;  // recorded anew at end_segment
        chain_entry_ = state_;
        segment_margins_ = margins{};
        chain_length_ = 0;
        chain_complete_ = true;
        return false;
    }

    template <class Layer, class Slot>
    bool replays(seq const& s, Layer const& layer, Slot slot, std::size_t k, row& x, margins* m, std::uint64_t& used) {
        if constexpr (Layer::is_attention)
            return replay_attention(s, layer, slot, k, x, m, used);
        else
            return replay_mlp(layer, slot, x, m, used);
    }

    template <class Layer, class Slot>
    void prepare(Layer const&, Slot, std::size_t, layer_report& report) {
        layer_margins_ = margins{};
        sink_ = update_sink{memo_.update_.columns.data(), memo_.update_.values.data(), 0};
        report.margin = &layer_margins_;
        report.sink = &sink_;
        report.decision = &memo_.decision_;
    }

    template <class Layer, class Slot>
    void record(Layer const&, Slot slot, std::size_t k, row const& x, std::uint64_t used, margins* m) {
        std::uint32_t const next = memo_.intern(x, blind_);
        if constexpr (Layer::is_attention) {
            memo_.used_[answer_ * memo_t::steps + k] = used;
            attention_decision const& d = memo_.decision_;
            chain_decision(d, d.complete ? value_classes(tokens_, d, Slot::value) : 0);
            if (d.complete) {
                auto const node = static_cast<std::uint32_t>(memo_.decision_nodes_.size());
                memo_.decision_nodes_.push_back({d, layer_margins_});
                memo_.decisions_.insert(decision_hash_, decision_key_, node);
                memo_.attention_next_.insert(node, value_classes(tokens_, d, Slot::value), next);
            }
        } else {
            auto& t = memo_.read_tables_[slot];
            memo_.update_.n = static_cast<std::uint16_t>(sink_.n);
            memo_.update_.m = layer_margins_;
            t.table.insert(t.pending_hash, t.pending, memo_.update_);
            memo_.mlp_next_.insert(state_, static_cast<std::uint32_t>(Slot::value), {next, memo_.margins_index(layer_margins_)});
        }
        state_ = next;
        written_ = true;
        merge_layer(m, layer_margins_);
    }

    void end_segment(std::size_t segment, row const&) {
        auto& rec = memo_.records_[answer_ * memo_t::segments + segment];
        rec.out = state_;
        rec.m = segment_margins_;
        rec.serial = memo_.serial_;
        if (chain_complete_) {
            record_chain();
            cache_chain(segment, state_, segment_margins_);
        }
    }

    void end(seq const&, std::size_t, row& x) {
        if (rows_wanted_) write_out(x);
    }

private:
    /// Attention: (state, layer, i, key classes) → decision; (decision, value classes) → state.
    template <class Layer, class Slot>
    bool replay_attention(seq const& s, Layer const& layer, Slot, std::size_t k, row& x, margins* m, std::uint64_t& used) {
        constexpr std::size_t slot_index = Slot::value;
        // (state, layer, i, key classes of rows 0..i) → decision
        auto& key = decision_key_.w;
        key[0] = state_;
        key[1] = static_cast<std::int64_t>(slot_index);
        key[2] = static_cast<std::int64_t>(i_);
        for (std::size_t w = 0; w < memo_t::fingerprint_words; ++w) key[3 + w] = fingerprint(slot_index, w);
        decision_hash_ = memo_.decisions_.hash(decision_key_);
        std::uint32_t const* const node = memo_.decisions_.find(decision_hash_, decision_key_);
        if (!node) {
            write_out(x);
            return false;  // the layer runs; record() keeps its decision
        }
        auto const& dn = memo_.decision_nodes_[*node];
        used = dn.d.used;
        memo_.used_[answer_ * memo_t::steps + k] = used;
        merge_layer(m, dn.m);
        // (decision, value classes of the chosen rows) → state
        std::uint32_t const classes = value_classes(tokens_, dn.d, slot_index);
        chain_decision(dn.d, classes);
        if (std::uint32_t const* next = memo_.attention_next_.find(*node, classes)) {
            state_ = *next;
            written_ = false;
            return true;
        }
        write_out(x);
        std::int64_t const* const values = token_classes<Model>::get().values[slot_index].data();
        auto const value_of = [&](std::size_t j) { return values + (j * vocab_size + s.token(j)) * Layer::n_outputs; };
        layer.mix(dn.d.rows.data(), dn.d.weights.data(), dn.d.n, value_of, x, nullptr);
        state_ = memo_.intern(x, blind_);
        memo_.attention_next_.insert(*node, classes, state_);
        return true;
    }
    /// MLP: (state, layer) → state; failing that, the values of the columns it reads → its update.
    template <class Layer, class Slot>
    bool replay_mlp(Layer const& layer, Slot slot, row& x, margins* m, std::uint64_t& used) {
        constexpr std::size_t slot_index = Slot::value;
        if (auto const* next = memo_.mlp_next_.find(state_, static_cast<std::uint32_t>(slot_index))) {
            state_ = next->state;
            written_ = false;
            used = 0;
            if (next->margins != 0) merge_layer(m, memo_.margin_sets_[next->margins]);
            return true;
        }
        write_out(x);
        // A new state for this layer: the values of the columns it reads may be known.
        auto& t = memo_.read_tables_[slot];
        auto const reads = layer.read_columns();
        fixed* const xp = x.data();
        for (std::size_t r = 0; r < reads.size(); ++r) t.pending.w[r] = xp[reads[r]].raw;
        t.pending_hash = t.table.hash(t.pending);
        auto const* hit = t.table.find(t.pending_hash, t.pending);
        if (!hit) return false;  // the layer runs; record() keeps its update
        for (std::size_t e = 0; e < hit->n; ++e)
            if (__builtin_add_overflow(xp[hit->columns[e]].raw, hit->values[e], &xp[hit->columns[e]].raw))
                detail::throw_overflow("ctformer: residual overflows");
        used = 0;
        merge_layer(m, hit->m);
        std::uint32_t const next = memo_.intern(x, blind_);
        memo_.mlp_next_.insert(state_, static_cast<std::uint32_t>(slot_index), {next, memo_.margins_index(hit->m)});
        state_ = next;
        return true;
    }

    /// The segment ends in `out`: the state, margins and the record of the same-row check.
    void take_segment(typename memo_t::segment_record& rec, std::uint32_t out, margins const& sm, margins* m) {
        state_ = out;
        written_ = false;
        if (m) m->merge(sm);
        rec.out = out;
        rec.m = sm;
        rec.serial = memo_.serial_;
    }
    /// Keeps the chain in chain_ (from the state the segment started from, to `out`) among the
    /// chains walked lately, in place of the oldest of its set.
    void cache_chain(std::size_t segment, std::uint32_t out, margins const& sm) {
        std::uint32_t const entry = memo_.records_[answer_ * memo_t::segments + segment].entry;
        memo_.cache_chain(answer_, segment, entry, segment_context_, chain_.data(), chain_length_, out, memo_.margins_index(sm));
    }
    /// The chain of the segment that just ran: its first node under segment_key_, then one node per
    /// attention layer, under the value classes of the rows that layer chose; the last holds the
    /// state after the segment and its margins.
    void record_chain() {
        auto new_node = [&] {
            memo_.segment_nodes_.emplace_back();
            return static_cast<std::uint32_t>(memo_.segment_nodes_.size() - 1);
        };
        std::uint32_t node;
        if (std::uint32_t const* first = memo_.segment_first_.find(chain_entry_, segment_context_)) {
            node = *first;
        } else {
            node = new_node();
            memo_.segment_first_.insert(chain_entry_, segment_context_, node);
        }
        for (std::size_t a = 0; a < chain_length_; ++a) {
            auto& nd = memo_.segment_nodes_[node];
            nd.n_rows = chain_[a].n_rows;
            nd.rows = chain_[a].rows;
            nd.used = chain_[a].used;
            if (std::uint32_t const* next = memo_.segment_next_.find(node, chain_[a].classes)) {
                node = *next;
            } else {
                std::uint32_t const created = new_node();
                memo_.segment_next_.insert(node, chain_[a].classes, created);
                node = created;
            }
        }
        memo_.segment_nodes_[node].out = state_;
        memo_.segment_nodes_[node].margins = memo_.margins_index(segment_margins_);
    }
    /// An attention layer of the running segment chose these rows.
    void chain_decision(attention_decision const& d, std::uint32_t classes) {
        if (!d.complete || chain_length_ == chain_.size()) {
            chain_complete_ = false;
            return;
        }
        auto& c = chain_[chain_length_++];
        c.n_rows = static_cast<std::uint8_t>(d.n);
        for (std::size_t u = 0; u < d.n; ++u) c.rows[u] = d.rows[u];
        c.used = d.used;
        c.classes = classes;
    }
    /// The id of the segment's context (memo_t::context_words), interned once per pass and kind.
    std::uint32_t context(std::size_t segment) {
        std::size_t const kind = memo_t::kind_of(segment);
        if (context_[kind] == memo_t::none) context_[kind] = memo_.known_context(answer_, kind);  // refresh_contexts
        if (context_[kind] == memo_t::none) {
            auto const& sh = memo_t::segment_shapes[segment];
            detail::word_key<memo_t::context_words> key{};
            key.w[0] = static_cast<std::int64_t>(kind);
            key.w[1] = static_cast<std::int64_t>(i_);
            for (std::size_t a = 0; a < sh.n_attention; ++a)
                for (std::size_t w = 0; w < memo_t::fingerprint_words; ++w)
                    key.w[2 + a * memo_t::fingerprint_words + w] = fingerprint(sh.attention[a].slot, w);
            std::uint64_t const h = memo_.contexts_.hash(key);
            if (std::uint32_t const* id = memo_.contexts_.find(h, key)) {
                context_[kind] = *id;
            } else {
                context_[kind] = static_cast<std::uint32_t>(memo_.contexts_.size());
                memo_.contexts_.insert(h, key, context_[kind]);
            }
            memo_.context_records_[answer_ * 3 + kind] = {memo_.serial_, context_[kind]};
        }
        return context_[kind];
    }
    /// Word w of the key classes of rows 0..i at the attention layer `slot`.
    std::int64_t fingerprint(std::size_t slot, std::size_t w) const {
        std::size_t const nibbles = i_ + 1, first = 16 * w;
        std::uint64_t const keep = nibbles <= first        ? 0
                                   : nibbles >= first + 16 ? ~std::uint64_t{0}
                                                           : (std::uint64_t{1} << (4 * (nibbles - first))) - 1;
        return static_cast<std::int64_t>(memo_.fingerprint_[slot][w] & keep);
    }
    /// x gets the row the state names (a blind state with the row's token block), unless it holds it already.
    void write_out(row& x) {
        if (!written_) memo_.load_row(state_, x, tokens_, i_, blind_ ? memo_t::blind_segment : 0);
        written_ = true;
    }
    /// The value classes of a decision's rows.
    std::uint32_t value_classes(std::uint8_t const* tokens, attention_decision const& d, std::size_t slot) const {
        return memo_.value_classes(tokens, d.rows.data(), d.n, slot);
    }
    void merge_layer(margins* m, margins const& lm) {
        if (lm == margins{}) return;  // most layers decide nothing the margins measure
        if (m) m->merge(lm);
        segment_margins_.merge(lm);
    }

    memo_t& memo_;
    bool rows_wanted_ = true;
    std::uint8_t const* tokens_ = nullptr;  ///< the sequence's tokens
    std::size_t i_ = 0, answer_ = 0;
    std::uint32_t state_ = 0;
    bool blind_ = false;  ///< state_ is blind (memo_t::blind_segment): x holds it with the row's token block
    bool written_ = true;  ///< x holds the row state_ names
    // The running segment's chain (record_chain).
    std::array<std::uint32_t, 3> context_{memo_t::none, memo_t::none, memo_t::none};  ///< per segment kind
    std::uint32_t chain_entry_ = 0, segment_context_ = 0;  ///< the running segment's first key
    std::array<typename memo_t::chain_link, memo_t::most_attention> chain_{};
    std::size_t chain_length_ = 0;
    bool chain_complete_ = false;
    margins segment_margins_{}, layer_margins_{};
    update_sink sink_{};
    detail::word_key<3 + memo_t::fingerprint_words> decision_key_{};
    std::uint64_t decision_hash_ = 0;
};

}  // namespace ctformer
