// ctformer/tensor/matrix.hpp — fixed-size dense matrices and the sparse forms derived from them.
//
// The dense matrix is the truth: every weight builder writes one, and a reader can print it.
// The sparse forms are made from a dense matrix at compile time; their nonzero counts are found
// by a constexpr pass and become template arguments, so they hold exactly what they need.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ctformer/numeric/fixed.hpp"

namespace ctformer {

template <std::size_t N>
using row_vector = std::array<fixed, N>;

/// Row-major R×C matrix of fixed values, stored as raw integers (cheap to build in constexpr).
/// It also counts the nonzero entries of each row as they are set, so that the compile-time
/// derivations below visit only the rows that hold something (the seed's matrices are mostly
/// zero rows: an attention layer's Wq, Wk and Wv use 2 to 14 of their 80). set() is the only
/// way to change an entry, which keeps the counts exact.
template <std::size_t R, std::size_t C>
class matrix {
public:
    static constexpr std::size_t rows = R;
    static constexpr std::size_t cols = C;

    constexpr fixed operator()(std::size_t r, std::size_t c) const { return fixed::from_raw(raw_[r * C + c]); }
    constexpr void set(std::size_t r, std::size_t c, fixed v) {
        std::int64_t& e = raw_[r * C + c];
        if (e == 0 && v.raw != 0) ++row_nnz_[r];
        if (e != 0 && v.raw == 0) --row_nnz_[r];
        e = v.raw;
    }
    /// The entries, row after row, as raw Q31.32 integers.
    constexpr std::int64_t const* data() const { return raw_.data(); }
    /// How many entries of row r are nonzero.
    constexpr std::size_t row_nonzeros(std::size_t r) const { return row_nnz_[r]; }

    constexpr bool col_is_zero(std::size_t c) const {
        for (std::size_t r = 0; r < R; ++r)
            if (row_nnz_[r] != 0 && raw_[r * C + c] != 0) return false;
        return true;
    }
    friend constexpr bool operator==(matrix const&, matrix const&) = default;

private:
    std::array<std::int64_t, R * C> raw_{};
    std::array<std::uint16_t, R> row_nnz_{};
};

/// The rows of m that hold a nonzero entry, in order; returns their count.
template <std::size_t R, std::size_t C>
constexpr std::size_t nonzero_rows(matrix<R, C> const& m, std::array<std::uint16_t, R>& out) {
    std::size_t n = 0;
    for (std::size_t r = 0; r < R; ++r)
        if (m.row_nonzeros(r) != 0) out[n++] = static_cast<std::uint16_t>(r);
    return n;
}

/// Nonzero counts per row and per column, found in one pass (compile-time derivations read these
/// instead of scanning the matrix again).
template <std::size_t R, std::size_t C>
struct matrix_profile {
    std::array<std::uint16_t, R> row_nnz{};
    std::array<std::uint16_t, C> col_nnz{};
    std::size_t nnz = 0;
};

template <std::size_t R, std::size_t C>
constexpr matrix_profile<R, C> profile(matrix<R, C> const& m) {
    matrix_profile<R, C> p{};
    std::array<std::uint16_t, R> used{};
    std::size_t const n = nonzero_rows(m, used);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t const r = used[i];
        std::int64_t const* v = m.data() + r * C;
        for (std::size_t c = 0; c < C; ++c, ++v)
            if (*v != 0) {
                ++p.row_nnz[r];
                ++p.col_nnz[c];
                ++p.nnz;
            }
    }
    return p;
}

/// y = x·M, each element rounded once from its exact sum (the plain, dense product).
template <std::size_t R, std::size_t C>
constexpr row_vector<C> multiply(row_vector<R> const& x, matrix<R, C> const& m) {
    row_vector<C> y{};
    for (std::size_t c = 0; c < C; ++c) {
        accumulator acc;
        for (std::size_t r = 0; r < R; ++r) acc.add(x[r].raw, m.data()[r * C + c]);
        y[c] = acc.result();
    }
    return y;
}

/// A list of lists: for each of `Major` groups, the (index, weight) pairs of its nonzero entries.
/// Built from a dense matrix either by column (a group per output: y[c] = Σ x[i]·w) or by row
/// (a group per input: spread x[r] over its outputs).
template <std::size_t Major, std::size_t N>
struct sparse_lists {
    std::array<std::uint16_t, Major + 1> start{};
    std::array<std::uint16_t, (N > 0 ? N : 1)> index{};
    std::array<std::int64_t, (N > 0 ? N : 1)> weight{};
};

/// Can every group's exact sum  start + Σ x·w  be formed in 128 bits for any 64-bit x? It can when
/// |start| < 2^126 and (entries in the largest group)·max|w| < 2^63. Layers check this at compile
/// time, which is what lets their inner loops add without an overflow test per term.
template <std::size_t Major, std::size_t N>
constexpr bool exact_sums_fit(sparse_lists<Major, N> const& s, i128 max_abs_start) {
    std::size_t longest = 0;
    for (std::size_t g = 0; g < Major; ++g)
        if (std::size_t{s.start[g + 1]} - s.start[g] > longest) longest = std::size_t{s.start[g + 1]} - s.start[g];
    i128 max_w = 0;
    for (std::size_t e = 0; e < s.start[Major]; ++e) {
        i128 const w = s.weight[e] < 0 ? -i128{s.weight[e]} : i128{s.weight[e]};
        if (w > max_w) max_w = w;
    }
    return max_abs_start < (i128{1} << 126) && i128(longest) * max_w < (i128{1} << 63);
}

/// Groups by column, keeping only the columns listed in `keep` (in that order).
template <std::size_t N, std::size_t K, std::size_t R, std::size_t C>
constexpr sparse_lists<K, N> by_column(matrix<R, C> const& m, std::array<std::uint16_t, K> const& keep) {
    sparse_lists<K, N> s{};
    std::size_t n = 0;
    std::int64_t const* raw = m.data();
    std::array<std::uint16_t, R> used{};
    std::size_t const n_used = nonzero_rows(m, used);
    for (std::size_t k = 0; k < K; ++k) {
        s.start[k] = static_cast<std::uint16_t>(n);
        for (std::size_t i = 0; i < n_used; ++i) {
            std::size_t const r = used[i];
            std::int64_t const w = raw[r * C + keep[k]];
            if (w == 0) continue;
            s.index[n] = static_cast<std::uint16_t>(r);
            s.weight[n] = w;
            ++n;
        }
    }
    s.start[K] = static_cast<std::uint16_t>(n);
    return s;
}

/// Groups by row, keeping only the rows listed in `keep`; the index of each entry is the column's
/// slot in `slots` (a map from column to output slot, built by the caller).
template <std::size_t N, std::size_t K, std::size_t R, std::size_t C>
constexpr sparse_lists<K, N> by_row(matrix<R, C> const& m, std::array<std::uint16_t, K> const& keep,
                                    std::array<std::uint16_t, C> const& slot_of_col) {
    sparse_lists<K, N> s{};
    std::size_t n = 0;
    for (std::size_t k = 0; k < K; ++k) {
        s.start[k] = static_cast<std::uint16_t>(n);
        if (m.row_nonzeros(keep[k]) == 0) continue;
        std::int64_t const* row = m.data() + keep[k] * C;
        for (std::size_t c = 0; c < C; ++c) {
            std::int64_t const w = row[c];
            if (w == 0) continue;
            s.index[n] = slot_of_col[c];
            s.weight[n] = w;
            ++n;
        }
    }
    s.start[K] = static_cast<std::uint16_t>(n);
    return s;
}

/// The indices i < N with pred(i), as an array of exactly K entries (K counted beforehand).
template <std::size_t K, std::size_t N, class Pred>
constexpr std::array<std::uint16_t, K> indices_where(Pred pred) {
    std::array<std::uint16_t, K> out{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < N; ++i)
        if (pred(i)) out[k++] = static_cast<std::uint16_t>(i);
    return out;
}

template <std::size_t N, class Pred>
constexpr std::size_t count_where(Pred pred) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < N; ++i) k += pred(i) ? 1 : 0;
    return k;
}

}  // namespace ctformer
