// ctformer/check/exact_tables.hpp — what exact_reuse's memos (check/exact_memo.hpp) are made of:
// hash tables whose keys are compared whole, and the key and value classes of every token at every
// row for each attention layer.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "ctformer/detail/hana.hpp"

#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

namespace detail {
/// The allocator of the memo's large arrays. The memo's time goes to lookups scattered over
/// about 100 MB, where 4 KB pages cost a TLB miss on most of them: an array of 2 MB or more is
/// placed on 2 MB boundaries and, on Linux, offered to the kernel's transparent huge pages
/// (madvise; a kernel that declines leaves ordinary pages, and the bits are the same either way).
/// Smaller arrays take operator new.
template <class T>
struct huge_page_allocator {
    using value_type = T;
    static constexpr std::size_t huge_page = std::size_t{1} << 21;

    huge_page_allocator() = default;
    template <class U>
    constexpr huge_page_allocator(huge_page_allocator<U> const&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T) - huge_page) throw std::bad_array_new_length();
        std::size_t const bytes = n * sizeof(T);
        if (bytes < huge_page) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
        std::size_t const rounded = (bytes + huge_page - 1) / huge_page * huge_page;
        void* const p = ::operator new(rounded, std::align_val_t{huge_page});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a refusal changes nothing but speed
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        std::size_t const bytes = n * sizeof(T);
        if (bytes < huge_page)
            ::operator delete(p, std::align_val_t{alignof(T)});
        else
            ::operator delete(p, std::align_val_t{huge_page});
    }
    template <class U>
    friend constexpr bool operator==(huge_page_allocator const&, huge_page_allocator<U> const&) noexcept {
        return true;
    }
};
/// A vector on huge_page_allocator.
template <class T>
using big_vector = std::vector<T, huge_page_allocator<T>>;

/// A fixed-length key of 64-bit words.
template <std::size_t N>
struct word_key {
    std::array<std::int64_t, N> w{};
    friend bool operator==(word_key const& a, word_key const& b) {
        std::int64_t differ = 0;  // no call to memcmp for a few words
        for (std::size_t e = 0; e < N; ++e) differ |= a.w[e] ^ b.w[e];
        return differ == 0;
    }
};

/// FNV-1a over 64-bit words in four independent lanes (shorter multiply chains), mixed so that the
/// low bits, which pick a table slot, depend on the high ones (one-hot values are 2^32).
inline std::uint64_t hash_words(std::int64_t const* w, std::size_t n) {
    std::array<std::uint64_t, 4> lane{0xcbf29ce484222325ull, 0x84222325cbf29ce4ull, 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull};
    for (std::size_t e = 0; e < n; ++e) lane[e % 4] = (lane[e % 4] ^ static_cast<std::uint64_t>(w[e])) * 0x100000001b3ull;
    std::uint64_t h = lane[0] ^ (lane[1] * 0x9e3779b97f4a7c15ull) ^ (lane[2] * 0xc2b2ae3d27d4eb4full) ^ (lane[3] * 0x165667b19e3779f9ull);
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 29);
}

/// An open-addressing hash table from word keys to values; keys are compared whole. The probe
/// walks an array of hashes alone (eight to a cache line); an entry is read only where its hash
/// matches.
template <std::size_t N, class Value>
class exact_table {
public:
    using key_type = word_key<N>;
    static std::uint64_t hash(key_type const& key) { return hash_words(key.w.data(), N) | 1; }  // 0: an empty slot
    Value const* find(std::uint64_t h, key_type const& key) const {
        if (hashes_.empty()) return nullptr;
        for (std::size_t p = h & mask_;; p = (p + 1) & mask_) {
            std::uint64_t const hp = hashes_[p];
            if (hp == 0) return nullptr;
            if (hp == h && entries_[p].key == key) return &entries_[p].value;
        }
    }
    void insert(std::uint64_t h, key_type const& key, Value const& value) {
        if (2 * (count_ + 1) > hashes_.size()) grow();
        std::size_t p = h & mask_;
        while (hashes_[p] != 0) {
            if (hashes_[p] == h && entries_[p].key == key) return;  // recorded already
            p = (p + 1) & mask_;
        }
        hashes_[p] = h;
        entries_[p] = entry{key, value};
        ++count_;
    }
    std::size_t size() const { return count_; }
    /// Empties the table, keeping its memory (a memo that starts afresh fills it again).
    void clear() {
        std::fill(hashes_.begin(), hashes_.end(), 0);
        count_ = 0;
    }

private:
    struct entry {
        key_type key{};
        Value value{};
    };
    void grow() {
        big_vector<std::uint64_t> old_hashes(hashes_.empty() ? 64 : 2 * hashes_.size(), 0);
        big_vector<entry> old_entries(old_hashes.size());
        old_hashes.swap(hashes_);
        old_entries.swap(entries_);
        mask_ = hashes_.size() - 1;
        count_ = 0;
        for (std::size_t p = 0; p < old_hashes.size(); ++p)
            if (old_hashes[p] != 0) insert(old_hashes[p], old_entries[p].key, old_entries[p].value);
    }
    big_vector<std::uint64_t> hashes_;
    big_vector<entry> entries_;
    std::size_t mask_ = 0, count_ = 0;
};

/// An open-addressing hash table from pairs of 32-bit ids to small values, each slot holding its
/// key and value together: one cache line per probe, where most lookups of the memo go. With
/// ByFirst, a key's probe starts where its first id says, so that the keys of one first id (a
/// node's children, looked up one after another by consecutive prompts) share cache lines.
template <class Value, bool ByFirst = false>
class id_table {
public:
    static constexpr std::uint32_t empty = ~std::uint32_t{0};
    Value const* find(std::uint32_t k0, std::uint32_t k1) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t p = start(k0, k1);; p = (p + 1) & mask_) {
            slot const& e = slots_[p];
            if (e.k0 == k0 && e.k1 == k1) return &e.value;
            if (e.k0 == empty) return nullptr;
        }
    }
    /// k0 is an id: never `empty`.
    void insert(std::uint32_t k0, std::uint32_t k1, Value const& value) {
        if (2 * (count_ + 1) > slots_.size()) grow();
        std::size_t p = start(k0, k1);
        for (; slots_[p].k0 != empty; p = (p + 1) & mask_)
            if (slots_[p].k0 == k0 && slots_[p].k1 == k1) return;  // recorded already
        slots_[p] = slot{k0, k1, value};
        ++count_;
    }
    std::size_t size() const { return count_; }
    /// Empties the table, keeping its memory (a memo that starts afresh fills it again).
    void clear() {
        std::fill(slots_.begin(), slots_.end(), slot{});
        count_ = 0;
    }

private:
    struct slot {
        std::uint32_t k0 = empty, k1 = 0;
        Value value{};
    };
    std::size_t start(std::uint32_t k0, std::uint32_t k1) const {
        std::uint64_t h = (std::uint64_t{k0} << 32 | (ByFirst ? 0 : k1)) * 0x9e3779b97f4a7c15ull;
        return (h ^ (h >> 29)) & mask_;
    }
    void grow() {
        big_vector<slot> old(slots_.empty() ? 1024 : 2 * slots_.size());
        old.swap(slots_);
        mask_ = slots_.size() - 1;
        count_ = 0;
        for (slot const& e : old)
            if (e.k0 != empty) insert(e.k0, e.k1, e.value);
    }
    big_vector<slot> slots_;
    std::size_t mask_ = 0, count_ = 0;
};
}  // namespace detail

/// The key classes and value classes of every token at every row, per attention layer: tokens t
/// and t' share a key class at row j when the layer's keys of their embeddings at row j are equal
/// (the same for values). A class is named by its smallest token. Also every value itself.
template <class Model>
struct token_classes {
    using shape = network_shape<std::remove_cvref_t<decltype(Model::net)>>;
    using seq = sequence<Model>;
    std::array<std::array<std::array<std::uint8_t, vocab_size>, max_rows>, shape::distinct> key{}, value{};
    /// Per attention layer: the value of every token at every row, [(j·vocab + token)·outputs + o].
    std::array<std::vector<std::int64_t>, shape::distinct> values{};

    /// The table of Model's network, made once; for a runtime_build's network, made again after each
    /// change of it (runtime_network_version), when no walker of the old one is in use.
    static token_classes const& get() {
        if constexpr (requires { typename Model::build; }) {
            if constexpr (is_runtime_build<typename Model::build>) {
                using base = base_build_t<typename Model::build>;
                static std::mutex m;
                static std::uint64_t made_for = 0;
                static std::unique_ptr<token_classes const> table;
                std::lock_guard<std::mutex> const lock(m);
                if (!table || made_for != runtime_network_version<base>) {
                    table = make();
                    made_for = runtime_network_version<base>;
                }
                return *table;
            }
        }
        static std::unique_ptr<token_classes const> const table = make();
        return *table;
    }

private:
    static std::unique_ptr<token_classes const> make() {
        {
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
                            auto const e = Model::net.embedding(tok, j);
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
        }
    }
};

}  // namespace ctformer
