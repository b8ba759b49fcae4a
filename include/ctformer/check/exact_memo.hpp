// ctformer/check/exact_memo.hpp — exact_reuse, the run-time checker's reuse policy: memos keyed
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
// the state after the segment. In front of the tables sits a cache of the chains walked lately
// (32,768 of them, 64 bytes each, two to a set), found by the chain's start and the value classes
// of the rows its layers chose the previous time: the same chains come back every few hundred
// prompts, and a lookup in the large tables would miss the processor's caches. Each answer row
// keeps, per segment, the chain it took in the previous prompt (its "record") and 16 chains it
// took earlier, by entry state (an answer row whose own token changes, such as the one after the
// digit read last, finds its segments there). The token chosen from a final state is memoized
// too, and each answer row keeps its last choice.
// The walker (exact_walker, check/check.hpp) first tries each answer row by replays alone
// (exact_memo::replay_row), without the forward driver: per segment the row's record, else its
// earlier chains, else the chain cache, else the tables. Beside a cached chain of the last body
// pass sits its "tail": the epilogue's output and the token chosen, functions of the chain's
// output state alone (the epilogue has no attention), so such a row costs one lookup. As a prompt
// begins, the chain-cache sets each row looked up last are prefetched, so that the rows' cache
// misses overlap. Only a row where some segment is new runs through forward with exact_reuse.
//
// Why a replay gives the bits of a run: every replay is accepted on whole-key equality. A table
// entry, a cached chain, a record or a context is taken only where the key it was stored under
// equals, word for word, the key built now from the row's exact inputs; none rests on what
// changed since an earlier prompt. The keys:
//  * an MLP: (state, layer), or the values of the columns it reads;
//  * an attention decision: (state, layer, i, key classes of rows 0..i); the state after it:
//    (decision, value classes of the chosen rows at this prompt's tokens);
//  * a chain, wherever it is kept (tables, chain cache, record, earlier chains): (entry state,
//    context id), then per attention layer the rows it chose when the chain was kept and their
//    value classes, compared with the value classes of those rows' tokens now (chain_holds);
//  * a context id: the whole context, built from the key-class fingerprint, which is written
//    from each prompt's own tokens (fingerprint_rows);
//  * a chain's tail: the epilogue's entry state (the epilogue has no attention: has_tail); a
//    final state's choice and a row's last choice: the final state.
// Ids name states, contexts and margin sets only until the memo starts afresh, and forget()
// clears whatever holds one. Equal keys give equal bits because:
//  * compiled_mlp::apply reads only the row's in_cols and writes only its out_cols;
//  * attention reads the row only through its query and earlier rows only through their cached
//    keys and their embeddings' values (attention_reads_only_the_embedding, sequence.hpp): so a
//    decision is a function of the state, the row count and the keys of rows 0..i, and its update
//    one of the decision and the chosen rows' values;
//  * key (value) classes are classes of equal keys (values): token_classes compares them;
//  * so, layer by layer, a chain is a function of its key: each decision one of the state before
//    it and the context, each state one of the decision and the chosen rows' value classes (the
//    context's kind names the segment's layers: the body's passes share theirs);
//  * blind states: blind_kind's compile-time condition (token_block_unread_from, asserted in the
//    class): from that kind of segment on no layer reads the token block, no layer anywhere writes it
//    and the unembedding does not read it, so a blind state makes the same bits of the other
//    columns as the whole row, and the block is the embedding's.
// States are compared word for word and table keys whole, never by hash alone.
// tests/test_exact_memo.cpp compares answers, margins and every final row with the plain pass.
// Run-time only (tables on the heap). The digit count is a run-time value (exact_memo's constructor):
// a segment's layers are its kind's (the prologue, a body pass, the epilogue), so what the memo
// knows of a program at compile time is per kind, and one instantiation serves every digit count
// whose prompts fit its fingerprint words.
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

#include "ctformer/detail/hana.hpp"

#include "ctformer/layers/update.hpp"
#include "ctformer/check/exact_tables.hpp"
#include "ctformer/runtime/forward.hpp"
#include "ctformer/check/program_io.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

namespace detail {
/// The fingerprint words exact_memo keys contexts by (4 bits a row, key classes < 16): enough for
/// every row of a Model's prompts and answer, and for a model whose digit count is given at run
/// time, enough for max_rows (exact_walker picks a smaller count for short prompts: check.hpp).
template <class Model>
constexpr std::size_t fingerprint_words_for() {
    if constexpr (fixed_digit_count<Model>)
        return (4 * (Model::prompt_length - 1 + Model::answer_length) + 63) / 64;
    else
        return (4 * max_rows + 63) / 64;
}
}  // namespace detail

template <class Model, std::size_t Words = detail::fingerprint_words_for<Model>()>
class exact_reuse;
template <class Model, std::size_t Words = detail::fingerprint_words_for<Model>()>
class exact_walker;

namespace detail {
/// blind_kind's condition, stated by itself: from segment kind `kind` on (0 the prologue, 1 the
/// body's passes, 2 the epilogue) no layer reads the token block (columns 0 .. vocab_size − 1), no
/// layer anywhere writes it, and the unembedding does not read it. Where it holds, a row's other
/// columns from there on do not depend on its token block, and the block stays the embedding's to
/// the end of the pass. (With one digit, segment k is of kind k: the program of one body pass.)
template <class Model>
constexpr bool token_block_unread_from(std::size_t kind) {
    bool holds = true;
    for_each_step(model_structure<Model>(), 1, [&](auto const& layer, program_step step, auto) {
        if (step.segment >= kind)
            for (auto c : layer.read_columns())
                if (c < vocab_size) holds = false;
        for (auto c : layer.out_cols)
            if (c < vocab_size) holds = false;
    });
    auto const& unembed = unembedding<Model>::lists;
    for (std::size_t e = unembed.start[0]; e < unembed.start[vocab_size]; ++e)
        if (unembed.index[e] < vocab_size) holds = false;
    return holds;
}
}  // namespace detail

/// What exact_reuse keeps across prompts: one per walker (per checker thread), for prompts of one
/// digit count (given at run time; a model's own where it has one). `Words`: the 64-bit words of a
/// row-range fingerprint (16 rows each); the prompts' rows must fit them.
template <class Model, std::size_t Words = detail::fingerprint_words_for<Model>()>
class exact_memo {
public:
    using seq = sequence<Model>;
    using row = typename seq::row;
    using program_type = program_of_model<Model>;
    using prompt = prompt_shape<program_type>;
    using io_t = program_io<Model>;
    using shape = typename io_t::shape;
    static constexpr auto const& io = io_of<Model>;
    static constexpr std::size_t width = seq::width;
    static constexpr std::size_t fingerprint_words = Words;  ///< 4 bits per row: a key class < 16
    static_assert(Words >= 1 && 16 * Words <= 16 * ((4 * max_rows + 63) / 64), "ctformer::exact_memo: 1 to 4 fingerprint words");
    static_assert(vocab_size <= 16, "ctformer::exact_memo: a key class takes 4 bits");
    static_assert(attention_decision::max_rows_kept <= 8, "ctformer::exact_memo: value classes are packed 8 to a word");
    /// By default the memo starts afresh when it holds this many states (about 90 MB of rows and
    /// tables). A thread of the 10^8 check reaches some 50,000 (blind states, below).
    static constexpr std::size_t default_max_states = std::size_t{1} << 17;
    /// States one prompt may add beyond max_states before the next prompt starts afresh.
    static constexpr std::size_t reserve_margin = 4096;
    static constexpr std::size_t first_reserve = 4096;  ///< states reserved before the memo is known to grow

    /// A segment's kind: 0 the prologue, 1 a body pass, 2 the epilogue (the body's passes share
    /// their layers, so everything about a segment's layers is its kind's).
    static constexpr std::size_t kind_of(std::size_t segment, std::size_t segments) {
        return segment == 0 ? 0 : segment + 1 == segments ? 2 : 1;
    }

    /// The token block (columns 0 .. vocab_size − 1, the row's one-hot token): `blind_kind` is the
    /// kind of segment from which on no layer reads it (3: none; see blind_segment_of), provided
    /// no layer anywhere writes it and the unembedding does not read it. In the seed only the
    /// prologue's attention queries read it, so it is 1. A state from there on is kept with its
    /// token block zeroed (a "blind" state): the layers make the same bits of the other columns
    /// from it, and the block is the embedding's at the end of the pass. So answer rows that differ
    /// only in their own token share states, records and chains after the prologue.
    static constexpr std::size_t blind_kind = [] {
        std::size_t from = 0;
        bool whole = false;
        for_each_step(model_structure<Model>(), 1, [&](auto const& layer, program_step step, auto) {  // one digit: segment = kind
            for (auto c : layer.read_columns())
                if (c < vocab_size) from = step.segment + 1;
            for (auto c : layer.out_cols)
                if (c < vocab_size) whole = true;
        });
        auto const& unembed = detail::unembedding<Model>::lists;
        for (std::size_t e = unembed.start[0]; e < unembed.start[vocab_size]; ++e)
            if (unembed.index[e] < vocab_size) whole = true;
        return whole ? 3 : from;
    }();
    static_assert(blind_kind == 3 || detail::token_block_unread_from<Model>(blind_kind),
                  "ctformer::exact_memo: a layer from blind_kind on reads the token block, or a layer writes it, "
                  "or the unembedding reads it: blind states would not give the bits of whole rows");
    /// The first segment of a `digits`-digit prompt's pass whose states are blind (segments: none).
    static constexpr std::size_t blind_segment_of(std::size_t digits) {
        std::size_t const segments = shape::segments(digits);
        return blind_kind == 0 ? 0 : blind_kind == 1 ? 1 : blind_kind == 2 ? segments - 1 : segments;
    }

    /// The states' storage is reserved in two steps: a few thousand rows at first (a small check
    /// needs no more), then, once those fill, all max_states of them at once (the pages touched
    /// only as states arrive): a vector growing by doubling would copy the 640-byte rows each time
    /// and touch twice the memory.
    /// The memo of `digits`-digit prompts: throws std::invalid_argument outside 1..the program's
    /// max_digits, or where the prompts' rows do not fit the fingerprint's Words.
    explicit exact_memo(std::size_t digits, std::size_t max_states = default_max_states)
        : digits_(checked_digits(digits)),
          segments_(shape::segments(digits)),
          answer_rows_(prompt::answer_length(digits)),
          first_answer_row_(prompt::first_answer_row(digits)),
          blind_segment_(blind_segment_of(digits)),
          tail_segment_(has_tail ? segments_ - 2 : segments_),
          max_states_(max_states),
          reserved_((max_states < default_max_states ? max_states : default_max_states) + reserve_margin) {
        states_.reserve(first_reserve);
        state_hash_.reserve(first_reserve);
    }

    /// Whether `digits`-digit prompts' rows fit `Words` fingerprint words.
    static constexpr bool fits(std::size_t digits) {
        return 4 * (prompt::first_answer_row(digits) + prompt::answer_length(digits)) <= 64 * Words;
    }
    std::size_t digits() const { return digits_; }
    std::size_t segments() const { return segments_; }
    std::size_t first_answer_row() const { return first_answer_row_; }
    std::size_t answer_rows() const { return answer_rows_; }
    std::size_t blind_segment() const { return blind_segment_; }

    /// A prompt begins: its rows' key classes are written into the fingerprints afresh, as its
    /// rows are asked for (fingerprint_rows). A prompt left unfinished (an exception) makes the
    /// next one start afresh.
    void begin_prompt() {
        if (in_prompt_ || states_.size() >= max_states_) forget();
        in_prompt_ = true;
        fingerprinted_ = 0;
    }
    /// The prompt ends. Nothing of its tokens is carried to the next prompt (every replay compares
    /// its whole key), so the tokens are not read.
    void end_prompt(std::uint8_t const* /*tokens*/) { in_prompt_ = false; }

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
    friend class exact_reuse<Model, Words>;
    friend class exact_walker<Model, Words>;
    static constexpr std::uint32_t none = ~std::uint32_t{0};
    using raw_row = std::array<std::int64_t, width>;

    static std::size_t checked_digits(std::size_t digits) {
        require_digit_count<program_type>(digits);
        if (!fits(digits)) throw std::invalid_argument("ctformer::exact_memo: the prompts' rows do not fit its fingerprint words");
        return digits;
    }
    std::size_t digits_;
    std::size_t segments_;  ///< digits + 2: the prologue, a body pass per digit, the epilogue
    std::size_t answer_rows_;  ///< D + 1 digits and '\n'
    std::size_t first_answer_row_;  ///< the '=' row predicts the first digit
    std::size_t blind_segment_;  ///< blind_segment_of(digits)
    std::size_t tail_segment_;  ///< the last body pass where a chain keeps a tail (has_tail), else segments_
    std::size_t kind_of(std::size_t segment) const { return kind_of(segment, segments_); }

    // ---- the program's shape, as tables ----
    struct attention_step {
        std::size_t step, slot;
    };
    struct segment_shape {  ///< a segment's attention steps
        std::array<attention_step, shape::distinct> attention{};
        std::size_t n_attention = 0;
    };
    /// Per segment kind, its attention steps (those of the program of one digit, where segment k is
    /// of kind k; a body pass's step numbers are the first pass's).
    static constexpr std::array<segment_shape, 3> kind_shapes = [] {
        std::array<segment_shape, 3> out{};
        for_each_step(model_structure<Model>(), 1, [&](auto const& layer, program_step step, auto slot) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
                segment_shape& sh = out[step.segment];
                sh.attention[sh.n_attention++] = attention_step{step.index, decltype(slot)::value};
            }
        });
        return out;
    }();
    segment_shape const& shape_of(std::size_t segment) const { return kind_shapes[kind_of(segment)]; }
    static constexpr std::size_t most_attention = [] {
        std::size_t most = 0;
        for (auto const& sh : kind_shapes) most = sh.n_attention > most ? sh.n_attention : most;
        return most;
    }();
    /// A segment's context: its kind, the row count i + 1, and the key classes of rows 0..i for
    /// each of its attention layers.
    static constexpr std::size_t context_words = 2 + most_attention * fingerprint_words;

    /// Forgets every state and transition, and everything that names one by its id (the ids are
    /// given out afresh: an id kept across this would name another state or context).
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
        records_.assign(records_.size(), cached_chain{});
        recent_.assign(recent_.size(), cached_chain{});
        chain_tails_.assign(chain_tails_.size(), chain_tail{});
        context_records_.assign(context_records_.size(), context_record{});
        last_choices_.assign(last_choices_.size(), last_choice{});
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
        if (blind_segment_ < segments_ && segment >= blind_segment_) {
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

    // ---- a segment's chain as it is kept outside the tables: in the chain cache, the rows'
    // records and their earlier chains. The same key everywhere, and compared whole ----
    struct chain_link {  ///< one attention layer of a chain: the rows it chose and their value classes
        std::uint32_t classes = 0;
        std::uint8_t n_rows = 0;
        std::array<std::uint8_t, attention_decision::max_rows_kept> rows{};
    };
    /// A chain: its start (entry state and context), per attention layer the rows it chose and
    /// their value classes then, and what it leads to. 64 bytes for the seed's three attention
    /// layers at most in a segment. entry == none: no chain.
    struct cached_chain {
        std::uint32_t entry = none, context = 0, out = 0, margins = 0;  ///< margins: an index into margin_sets_
        std::array<chain_link, most_attention> links{};
    };
    /// The chain c is the one of a segment (of shape sh) from `state` in `context` at these tokens:
    /// its whole key is equal, the start and, per attention layer, the value classes of the rows
    /// it chose. (A chain is a function of that key: the first layer's decision is one of the
    /// start, so it chooses c's rows again; with their value classes equal the state after it is
    /// c's, so the next layer's decision is c's; and so on to c's output.) The rows are c's own,
    /// never a guess: an equal key is the only way a kept chain is taken.
    bool chain_holds(cached_chain const& c, segment_shape const& sh, std::uint32_t state, std::uint32_t context,
                     std::uint8_t const* tokens) const {
        if (c.entry != state || c.context != context) return false;
        for (std::size_t a = 0; a < sh.n_attention; ++a)
            if (c.links[a].classes != value_classes(tokens, c.links[a].rows.data(), c.links[a].n_rows, sh.attention[a].slot))
                return false;
        return true;
    }

    // ---- per answer row and segment: the chain it took in the last prompt (its record), and a
    // few it took earlier, by entry state (recent_ways of them) ----
    std::vector<cached_chain> records_ = std::vector<cached_chain>(answer_rows_ * segments_);
    static constexpr std::size_t recent_ways = 16;
    std::vector<cached_chain> recent_ = std::vector<cached_chain>(answer_rows_ * segments_ * recent_ways);
    static std::size_t recent_way(std::uint32_t entry) { return (entry * 0x9e3779b9u) >> 28; }
    static_assert(recent_ways == 16, "ctformer::exact_memo: recent_way takes 4 bits");
    cached_chain& record(std::size_t answer, std::size_t segment) { return records_[answer * segments_ + segment]; }
    cached_chain& recent(std::size_t answer, std::size_t segment, std::uint32_t entry) {
        return recent_[(answer * segments_ + segment) * recent_ways + recent_way(entry)];
    }

    // ---- the chains walked lately, in a small cache in front of the tables (most lookups of the
    // tables would miss the processor's caches): a chain is found by its start (entry state and
    // context) and the value classes of the rows its layers chose the last time, then checked whole ----
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
    std::vector<chain_rows> chain_rows_ = std::vector<chain_rows>(answer_rows_ * segments_);
    detail::big_vector<cached_chain> chain_cache_ = detail::big_vector<cached_chain>(chain_sets * chain_ways);
    /// A row's last segment with attention (tail_segment) is followed by attention-free segments
    /// only (the seed's epilogue): what they make of the chain's output state, and the token chosen
    /// from there, are functions of that state alone. Beside each cached chain of tail_segment:
    /// the state after the epilogue, its margins, the token and the logit gap, taken only where
    /// `from` is the epilogue's entry state (written by replay_row).
    static constexpr bool has_tail = kind_shapes[2].n_attention == 0 && kind_shapes[1].n_attention != 0;
    struct chain_tail {
        std::uint32_t from = none, out = 0, margins = 0;  ///< margins: the epilogue's, an index into margin_sets_
        std::uint32_t choice = 0;  ///< the token | the logit gap's index into margin_sets_ << 8
    };
    static_assert(vocab_size <= 256, "ctformer::exact_memo: a chain tail keeps the token in 8 bits");
    detail::big_vector<chain_tail> chain_tails_ = detail::big_vector<chain_tail>(has_tail ? chain_sets * chain_ways : 0);
    std::vector<std::uint8_t> chain_victim_ = std::vector<std::uint8_t>(chain_sets);

    // ---- contexts: the key classes of rows 0..i, as 4-bit classes per row and attention layer ----
    using context_key = detail::word_key<context_words>;
    /// Per answer row and segment kind: the context it took last, whole, and its id (none: none).
    struct context_record {
        context_key key{};
        std::uint32_t id = none;
    };
    std::vector<context_record> context_records_ = std::vector<context_record>(answer_rows_ * 3);
    std::array<std::array<std::uint64_t, fingerprint_words>, shape::distinct> fingerprint_{};  ///< key classes, 4 bits a row
    std::size_t fingerprinted_ = 0;  ///< rows 0..fingerprinted_ − 1 written into fingerprint_ in this prompt

    /// The distinct layers that are attention (the fingerprints are theirs).
    static constexpr std::size_t n_attention_slots = [] {
        std::size_t n = 0;
        for (bool a : io.attention_slots) n += a;
        return n;
    }();
    static constexpr std::array<std::size_t, n_attention_slots> attention_layer_slots = [] {
        std::array<std::size_t, n_attention_slots> out{};
        std::size_t n = 0;
        for (std::size_t slot = 0; slot < shape::distinct; ++slot)
            if (io.attention_slots[slot]) out[n++] = slot;
        return out;
    }();

    /// Writes the key classes of rows fingerprinted_..i into the fingerprints. Every row is
    /// written from its token in this prompt (begin_prompt starts again at row 0, and a prompt
    /// only appends rows, so a row written earlier in it still holds the same token), so the
    /// fingerprint of rows 0..i is a function of the prompt's tokens alone: nothing is carried
    /// over from an earlier prompt.
    void fingerprint_rows(std::uint8_t const* tokens, std::size_t i) {
        auto const& key = classes_->key;
        for (std::size_t j = fingerprinted_; j <= i; ++j) {
            std::size_t const shift = 4 * (j % 16), w = j / 16, t = tokens[j];
            std::uint64_t const clear = ~(std::uint64_t{0xf} << shift);
            for (std::size_t a = 0; a < n_attention_slots; ++a) {
                std::size_t const slot = attention_layer_slots[a];
                fingerprint_[slot][w] = (fingerprint_[slot][w] & clear) | std::uint64_t{key[slot][j][t]} << shift;
            }
        }
        if (i + 1 > fingerprinted_) fingerprinted_ = i + 1;
    }
    /// Per row i and fingerprint word, the nibbles of rows 0..i (those of later rows, left from
    /// longer prompts or not yet written in this one, are masked off).
    static constexpr auto rows_through = [] {
        std::array<std::array<std::uint64_t, fingerprint_words>, max_rows> keep{};
        for (std::size_t i = 0; i < max_rows; ++i)
            for (std::size_t w = 0, first = 0, nibbles = i + 1; w < fingerprint_words; ++w, first += 16)
                keep[i][w] = nibbles <= first        ? 0
                             : nibbles >= first + 16 ? ~std::uint64_t{0}
                                                     : (std::uint64_t{1} << (4 * (nibbles - first))) - 1;
        return keep;
    }();
    /// Word w of the key classes of rows 0..i at the attention layer `slot`.
    std::int64_t fingerprint(std::size_t slot, std::size_t w, std::size_t i) const {
        return static_cast<std::int64_t>(fingerprint_[slot][w] & rows_through[i][w]);
    }
    /// The id of the context of the answer row's segment (context_words: its kind, the row count
    /// and the key classes of rows 0..i at its attention layers). The key is built from the
    /// fingerprints each time; the row's record of the kind gives the id only where its key equals
    /// this one word for word, else contexts_ does (a new context gets the next id). The segment's
    /// kind is a constant, so that its attention layers' loop unrolls (a row asks for three contexts).
    template <std::size_t Kind>
    std::uint32_t context_id(std::size_t answer) {
        constexpr std::size_t kind = Kind;
        constexpr segment_shape const& sh = kind_shapes[Kind];
        std::size_t const i = first_answer_row_ + answer;
        auto const& keep = rows_through[i];
        context_key key{};
        key.w[0] = static_cast<std::int64_t>(kind);
        key.w[1] = static_cast<std::int64_t>(i);
        for (std::size_t a = 0; a < sh.n_attention; ++a)
            for (std::size_t w = 0; w < fingerprint_words; ++w)
                key.w[2 + a * fingerprint_words + w] = static_cast<std::int64_t>(fingerprint_[sh.attention[a].slot][w] & keep[w]);
        context_record& known = context_records_[answer * 3 + kind];
        if (known.id != none && known.key == key) return known.id;
        std::uint64_t const h = contexts_.hash(key);
        std::uint32_t id;
        if (std::uint32_t const* found = contexts_.find(h, key)) {
            id = *found;
        } else {
            id = static_cast<std::uint32_t>(contexts_.size());
            contexts_.insert(h, key, id);
        }
        known = {key, id};
        return id;
    }
    /// context_id of a segment whose kind is known at run time only (exact_reuse: once per pass and kind).
    std::uint32_t context_id(std::size_t answer, std::size_t segment) {
        switch (kind_of(segment)) {
            case 0: return context_id<0>(answer);
            case 1: return context_id<1>(answer);
            default: return context_id<2>(answer);
        }
    }

    // ---- per answer row: the token its last final state chose ----
    struct last_choice {
        std::uint32_t state = none, token = 0, margins = 0;
    };
    std::vector<last_choice> last_choices_ = std::vector<last_choice>(answer_rows_);
    bool in_prompt_ = false;  ///< between begin_prompt and end_prompt

    // ---- the pieces of a replay, shared by exact_reuse and replay_row ----
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
    /// The set of the chain cache where the answer row's segment from `state` in `context` is
    /// looked for: by its start and the value classes of the rows its layers chose the last time.
    std::size_t guessed_set(std::size_t answer, std::size_t segment, std::uint32_t state, std::uint32_t context,
                            std::uint8_t const* tokens) const {
        segment_shape const& sh = shape_of(segment);
        std::uint64_t classes = 0;
        auto const& guess = chain_rows_[answer * segments_ + segment];
        for (std::size_t a = 0; a < sh.n_attention; ++a)
            classes = chain_classes(classes, a, value_classes(tokens, guess[a].rows.data(), guess[a].n_rows, sh.attention[a].slot));
        return chain_set(start_hash(state, context), classes);
    }
    /// As a prompt begins: each answer row will most likely look up the chain of the segment it
    /// looked up last, from the state and in the context its record of that segment holds. Asking
    /// the processor for those sets now lets the rows' cache misses overlap (the rows run one after
    /// another: each reads the token the one before chose). `tokens`: the prompt's, and the
    /// previous answer's after it. A guess only: what is found there is checked whole (cached).
    void prefetch_rows(std::uint8_t const* tokens) const {
        for (std::size_t answer = 0; answer < answer_rows_; ++answer) {
            std::size_t const segment = looked_up_[answer];
            if (segment >= segments_) continue;
            cached_chain const& rec = records_[answer * segments_ + segment];
            if (rec.entry == none) continue;
            std::size_t const set = guessed_set(answer, segment, rec.entry, rec.context, tokens);
            __builtin_prefetch(chain_cache_.data() + set * chain_ways);
            if (segment == tail_segment_) __builtin_prefetch(chain_tails_.data() + set * chain_ways);
        }
    }
    /// Per answer row: the last segment replay_row looked up in the chain cache (segments_ or more: none).
    std::array<std::size_t, max_rows> looked_up_ = [] {
        std::array<std::size_t, max_rows> a{};
        a.fill(max_rows);
        return a;
    }();

    /// The chain of the answer row's segment from `state` in `context` among the chains walked
    /// lately, if any: one of the two in the set guessed_set names whose whole key holds (chain_holds).
    cached_chain const* cached(std::size_t answer, std::size_t segment, std::uint32_t state, std::uint32_t context,
                               std::uint8_t const* tokens) {
        segment_shape const& sh = shape_of(segment);
        std::size_t const set = guessed_set(answer, segment, state, context, tokens);
        if (segment == tail_segment_) __builtin_prefetch(chain_tails_.data() + set * chain_ways);  // read right after a hit
        cached_chain const* way = chain_cache_.data() + set * chain_ways;
        for (std::size_t w = 0; w < chain_ways; ++w, ++way) {
            if (chain_holds(*way, sh, state, context, tokens)) {
                chain_victim_[set] = static_cast<std::uint8_t>((w + 1) % chain_ways);  // the least recently used goes next
                return way;
            }
        }
        return nullptr;
    }
    /// The chain of the answer row's segment from `state` in `context` in the tables, into c (its
    /// links with their value classes now, the state after the segment and its margins); false,
    /// c untouched, where the tables lack it (c may be a record: half a chain must not land there).
    bool find_chain(std::size_t segment, std::uint32_t state, std::uint32_t context, std::uint8_t const* tokens,
                    cached_chain& c) const {
        segment_shape const& sh = shape_of(segment);
        std::uint32_t const* first = segment_first_.find(state, context);
        if (!first) return false;
        std::uint32_t node = *first;
        cached_chain found{};
        for (std::size_t a = 0; a < sh.n_attention; ++a) {
            segment_node const& nd = segment_nodes_[node];
            chain_link& link = found.links[a];
            link.n_rows = nd.n_rows;
            link.rows = nd.rows;
            link.classes = value_classes(tokens, nd.rows.data(), nd.n_rows, sh.attention[a].slot);
            std::uint32_t const* next = segment_next_.find(node, link.classes);
            if (!next) return false;
            node = *next;
        }
        found.entry = state;
        found.context = context;
        found.out = segment_nodes_[node].out;
        found.margins = segment_nodes_[node].margins;
        c = found;
        return true;
    }
    /// Keeps the answer row's chain c of `segment` among the chains walked lately, in place of the
    /// least recently used of its set (of two); its rows are the next guess of the row's segment.
    /// The slot it went to.
    std::size_t cache_chain(std::size_t answer, std::size_t segment, cached_chain const& c) {
        std::size_t const n = shape_of(segment).n_attention;
        std::uint64_t classes = 0;
        auto& guess = chain_rows_[answer * segments_ + segment];
        for (std::size_t a = 0; a < n; ++a) {
            guess[a] = {c.links[a].n_rows, c.links[a].rows};
            classes = chain_classes(classes, a, c.links[a].classes);
        }
        std::size_t const set = chain_set(start_hash(c.entry, c.context), classes);
        std::uint8_t& victim = chain_victim_[set];
        std::size_t const slot = set * chain_ways + victim;
        victim = static_cast<std::uint8_t>((victim + 1) % chain_ways);
        chain_cache_[slot] = c;
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

    /// The row replayed to the final state s, every segment's chain in its record: their margins
    /// into m (only now: a row that does not replay whole runs through forward, which merges its
    /// own), and the token chosen (from the tail where one held, else by the state, keeping a new
    /// tail beside the chain of tail_segment in tail_slot).
    std::size_t keep_row(std::size_t answer, std::uint32_t s, chain_tail const* tail, std::size_t tail_slot, margins* m) {
        if (m)
            for (std::size_t segment = 0; segment < segments_; ++segment)
                if (std::uint32_t const id = records_[answer * segments_ + segment].margins; id != 0) m->merge(margin_sets_[id]);
        ++rows_replayed_;
        if (tail) {
            if (m) m->merge(margin_sets_[tail->choice >> 8]);
            return tail->choice & 0xff;
        }
        std::uint32_t choice_margins = 0;
        std::size_t const token = choose_state(answer, s, nullptr, m, &choice_margins);
        if (tail_slot < chain_cache_.size() && choice_margins < (std::uint32_t{1} << 24)) {
            cached_chain const& epilogue = records_[answer * segments_ + segments_ - 1];
            chain_tails_[tail_slot] = {epilogue.entry, epilogue.out, epilogue.margins, static_cast<std::uint32_t>(token) | choice_margins << 8};
        }
        return token;
    }

    /// The pass of row i (answer row i − first_answer_row) by replays alone, none of the forward
    /// driver's work: from the row's embedding, each segment takes a chain whose whole key holds
    /// (chain_holds): the row's record, one of its earlier chains, a chain walked lately (cached)
    /// or a chain of the tables (find_chain); the epilogue may take the tail kept beside a cached
    /// chain of tail_segment. True, with the final state and the token chosen from it, when every
    /// segment did; false when one did not (a layer in it must run): then the row runs through
    /// forward with exact_reuse. Each segment's chain goes into its record as it is taken: every
    /// record is kept by its whole key, so one left from a row that did not replay whole is as
    /// good as any.
    bool replay_row(std::uint8_t const* tokens, std::size_t i, std::uint32_t& state, std::size_t& token, margins* m) {
        std::size_t const answer = i - first_answer_row_;
        fingerprint_rows(tokens, i);
        // Per segment kind, the context id, built once in this pass (its key is fixed by i and the tokens).
        std::array<std::uint32_t, 3> contexts{none, none, none};
        std::size_t tail_slot = chain_cache_.size();  // the slot of tail_segment's chain, if it came from a chain
        chain_tail const* tail = nullptr;  // the tail taken for the epilogue
        std::uint32_t s = embedding_state(tokens, i);
        // One segment; false where it neither replays nor finds its chain. The segment's kind is a
        // compile-time constant, so its attention layers are known to the compiler.
        auto const replay_segment = [&](auto kind_c, std::size_t segment) -> bool {
            constexpr std::size_t kind = decltype(kind_c)::value;
            constexpr segment_shape const& sh = kind_shapes[kind];
            if (segment == blind_segment_) s = blind(s);
            std::uint32_t& context = contexts[kind];
            if (context == none) context = context_id<kind>(answer);
            cached_chain& rec = record(answer, segment);
            if (segment == tail_segment_ + 1) {
                // The epilogue, from the tail beside the chain just taken, where it starts from this state.
                if (tail_slot < chain_cache_.size() && chain_tails_[tail_slot].from == s) {
                    tail = &chain_tails_[tail_slot];
                    rec = {s, context, tail->out, tail->margins, {}};
                    recent(answer, segment, s) = rec;
                    s = tail->out;
                    return true;
                }
            }
            if (chain_holds(rec, sh, s, context, tokens)) {
                s = rec.out;
                return true;
            }
            cached_chain const& earlier = recent(answer, segment, s);
            if (chain_holds(earlier, sh, s, context, tokens)) {
                rec = earlier;
                s = rec.out;
                return true;
            }
            looked_up_[answer] = segment;
            if (cached_chain const* c = cached(answer, segment, s, context, tokens)) {
                rec = *c;
                if (segment == tail_segment_) tail_slot = static_cast<std::size_t>(c - chain_cache_.data());
            } else {
                if (!find_chain(segment, s, context, tokens, rec)) return false;
                std::size_t const slot = cache_chain(answer, segment, rec);
                if (segment == tail_segment_) tail_slot = slot;
            }
            recent(answer, segment, s) = rec;
            s = rec.out;
            return true;
        };
        if (!replay_segment(std::integral_constant<std::size_t, 0>{}, 0)) return false;
        for (std::size_t segment = 1; segment + 1 < segments_; ++segment)
            if (!replay_segment(std::integral_constant<std::size_t, 1>{}, segment)) return false;
        if (!replay_segment(std::integral_constant<std::size_t, 2>{}, segments_ - 1)) return false;
        state = s;
        token = keep_row(answer, s, tail, tail_slot, m);
        return true;
    }
};

/// The policy (see the top of this file) for one pass: a handle on the walker's exact_memo. It
/// follows the row as a state id; the row itself is written out only where a layer runs, and at
/// the end of the pass.
template <class Model, std::size_t Words>
class exact_reuse {
public:
    static constexpr bool reuses = true;
    static constexpr bool starts_from_memo = true;  ///< forward leaves x to the policy (see begin)
    using memo_t = exact_memo<Model, Words>;
    using row = typename memo_t::row;
    using seq = typename memo_t::seq;

    /// With `rows_wanted` false the pass's result is the state alone: forward returns a row that
    /// is not written out, and choose() reads the state (the checker, which wants the token).
    exact_reuse(memo_t& memo, bool rows_wanted) : memo_(memo), rows_wanted_(rows_wanted) {}

    void begin(seq const& s, std::size_t i) {
        if (s.digits() != memo_.digits_)
            throw sequence_error("ctformer::exact_reuse: the sequence's digit count is not the memo's");
        if (i < memo_.first_answer_row_ || i >= memo_.first_answer_row_ + memo_.answer_rows_)
            throw sequence_error("ctformer::exact_reuse: the row is not an answer row of the model's prompt");
        tokens_ = s.tokens();
        i_ = i;
        answer_ = i - memo_.first_answer_row_;
        memo_.fingerprint_rows(tokens_, i);
        state_ = memo_.embedding_state(tokens_, i);
        blind_ = false;
        written_ = false;  // x is written out from the state where a layer runs, and at the end
    }

    /// choose() of the row the pass ended in, by its state.
    std::size_t choose(row const& x, margins* m) { return memo_.choose_state(answer_, state_, rows_wanted_ ? &x : nullptr, m); }

    bool replays_segment(std::size_t segment, std::size_t, row&, margins* m) {
        if (segment == memo_.blind_segment_) {  // x, where written, keeps the token block: no layer from here reads it
            state_ = memo_.blind(state_);
            blind_ = true;
        }
        // The segment's chain, by its whole key (chain_holds): the row's record, a chain walked
        // lately, a chain of the tables; each one taken goes into the record.
        auto const& sh = memo_.shape_of(segment);
        auto& rec = memo_.record(answer_, segment);
        std::uint32_t const context = this->context(segment);
        if (memo_.chain_holds(rec, sh, state_, context, tokens_)) {
            take_segment(rec, m);
            return true;
        }
        if (auto const* c = memo_.cached(answer_, segment, state_, context, tokens_)) {
            rec = *c;
            take_segment(rec, m);
            return true;
        }
        if (memo_.find_chain(segment, state_, context, tokens_, rec)) {
            memo_.cache_chain(answer_, segment, rec);
            take_segment(rec, m);
            return true;
        }
        // The segment's layers run or replay one by one; end_segment keeps the chain they walk.
        chain_ = typename memo_t::cached_chain{};
        chain_.entry = state_;
        chain_.context = context;
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
    void record(Layer const&, Slot slot, std::size_t, row const& x, std::uint64_t, margins* m) {
        std::uint32_t const next = memo_.intern(x, blind_);
        if constexpr (Layer::is_attention) {
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

    /// The segment ran: its chain goes into the tables, the chain cache and the row's record. A
    /// chain with a decision of more rows than a link holds has no key to be kept by; then the
    /// record stays as it was (it is kept by its own whole key, which did not hold here).
    void end_segment(std::size_t segment, row const&) {
        if (!chain_complete_ || chain_length_ != memo_.shape_of(segment).n_attention) return;
        chain_.out = state_;
        chain_.margins = memo_.margins_index(segment_margins_);
        record_chain();
        memo_.cache_chain(answer_, segment, chain_);
        memo_.record(answer_, segment) = chain_;
    }

    void end(seq const&, std::size_t, row& x) {
        if (rows_wanted_) write_out(x);
    }

private:
    /// Attention: (state, layer, i, key classes) → decision; (decision, value classes) → state.
    template <class Layer, class Slot>
    bool replay_attention(seq const& s, Layer const& layer, Slot, std::size_t, row& x, margins* m, std::uint64_t& used) {
        constexpr std::size_t slot_index = Slot::value;
        // (state, layer, i, key classes of rows 0..i) → decision
        auto& key = decision_key_.w;
        key[0] = state_;
        key[1] = static_cast<std::int64_t>(slot_index);
        key[2] = static_cast<std::int64_t>(i_);
        for (std::size_t w = 0; w < memo_t::fingerprint_words; ++w) key[3 + w] = memo_.fingerprint(slot_index, w, i_);
        decision_hash_ = memo_.decisions_.hash(decision_key_);
        std::uint32_t const* const node = memo_.decisions_.find(decision_hash_, decision_key_);
        if (!node) {
            write_out(x);
            return false;  // the layer runs; record() keeps its decision
        }
        auto const& dn = memo_.decision_nodes_[*node];
        used = dn.d.used;
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

    /// The segment takes the chain c: the state after it, and its margins.
    void take_segment(typename memo_t::cached_chain const& c, margins* m) {
        state_ = c.out;
        written_ = false;
        if (m && c.margins != 0) m->merge(memo_.margin_sets_[c.margins]);
    }
    /// The chain of the segment that just ran (chain_): its first node under its start, then one
    /// node per attention layer, under the value classes of the rows that layer chose; the last
    /// holds the state after the segment and its margins.
    void record_chain() {
        auto new_node = [&] {
            memo_.segment_nodes_.emplace_back();
            return static_cast<std::uint32_t>(memo_.segment_nodes_.size() - 1);
        };
        std::uint32_t node;
        if (std::uint32_t const* first = memo_.segment_first_.find(chain_.entry, chain_.context)) {
            node = *first;
        } else {
            node = new_node();
            memo_.segment_first_.insert(chain_.entry, chain_.context, node);
        }
        for (std::size_t a = 0; a < chain_length_; ++a) {
            auto const& link = chain_.links[a];
            auto& nd = memo_.segment_nodes_[node];
            nd.n_rows = link.n_rows;
            nd.rows = link.rows;
            if (std::uint32_t const* next = memo_.segment_next_.find(node, link.classes)) {
                node = *next;
            } else {
                std::uint32_t const created = new_node();
                memo_.segment_next_.insert(node, link.classes, created);
                node = created;
            }
        }
        memo_.segment_nodes_[node].out = chain_.out;
        memo_.segment_nodes_[node].margins = chain_.margins;
    }
    /// An attention layer of the running segment chose these rows.
    void chain_decision(attention_decision const& d, std::uint32_t classes) {
        if (!d.complete || chain_length_ == chain_.links.size()) {
            chain_complete_ = false;
            return;
        }
        auto& link = chain_.links[chain_length_++];
        link.n_rows = static_cast<std::uint8_t>(d.n);
        for (std::size_t u = 0; u < d.n; ++u) link.rows[u] = d.rows[u];
        link.classes = classes;
    }
    /// The id of the segment's context (exact_memo::context_id), found once per pass and kind:
    /// within a pass its key (i and the rows' tokens) is fixed.
    std::uint32_t context(std::size_t segment) {
        std::size_t const kind = memo_.kind_of(segment);
        if (context_[kind] == memo_t::none) context_[kind] = memo_.context_id(answer_, segment);
        return context_[kind];
    }
    /// x gets the row the state names (a blind state with the row's token block), unless it holds it already.
    void write_out(row& x) {
        if (!written_) memo_.load_row(state_, x, tokens_, i_, blind_ ? memo_.blind_segment_ : 0);
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
    bool blind_ = false;  ///< state_ is blind (memo_t::blind_segment()): x holds it with the row's token block
    bool written_ = true;  ///< x holds the row state_ names
    // The running segment's chain (record_chain).
    std::array<std::uint32_t, 3> context_{memo_t::none, memo_t::none, memo_t::none};  ///< per segment kind
    typename memo_t::cached_chain chain_{};  ///< its start, and the links of its attention layers so far
    std::size_t chain_length_ = 0;
    bool chain_complete_ = false;
    margins segment_margins_{}, layer_margins_{};
    update_sink sink_{};
    detail::word_key<3 + memo_t::fingerprint_words> decision_key_{};
    std::uint64_t decision_hash_ = 0;
};

}  // namespace ctformer
