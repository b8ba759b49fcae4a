// runtime_bench — additions per second, side by side in one run:
//   fixed   : ctformer::generate, each addition from scratch (the plain pass users run)
//   checker : ctformer::check_block on an exact_walker, the checker's walk (one thread)
//   double  : a plain dense double-precision forward pass of the same network (the dense
//             weights as doubles, std::erf GELU, std::exp softmax), recomputing every row for
//             every token as the seed notebook does
// Rounds alternate between the three so that machine noise hits them alike; the figures are the
// median of the rounds.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

namespace {

using namespace ctformer;
using A = adder<4>;
constexpr std::size_t W = 80;

using drow = std::array<double, W>;

struct dense_double {
    // every layer of the network as double matrices, in order, with the loop unrolled
    struct layer {
        bool attention;
        std::size_t hidden;
        std::vector<double> wq, wk, wv, w1, b1, w2, b2;
        double scale;
    };
    std::vector<layer> layers;
    std::vector<double> unembed;

    template <std::size_t R, std::size_t C>
    static std::vector<double> to_double(matrix<R, C> const& m) {
        std::vector<double> v(R * C);
        for (std::size_t i = 0; i < R * C; ++i) v[i] = fixed::from_raw(m.data()[i]).to_double();
        return v;
    }
    template <std::size_t N>
    static std::vector<double> to_double(row_vector<N> const& r) {
        std::vector<double> v(N);
        for (std::size_t i = 0; i < N; ++i) v[i] = r[i].to_double();
        return v;
    }

    dense_double() {
        auto add = [&](auto const& l) {
            layer d{};
            if constexpr (std::remove_cvref_t<decltype(l)>::is_attention) {
                d.attention = true;
                d.wq = to_double(l.wq);
                d.wk = to_double(l.wk);
                d.wv = to_double(l.wv);
                d.scale = l.score_scale.to_double();
            } else {
                d.attention = false;
                d.hidden = std::remove_cvref_t<decltype(l)>::hidden;
                d.w1 = to_double(l.w1);
                d.b1 = to_double(l.b1);
                d.w2 = to_double(l.w2);
                d.b2 = to_double(l.b2);
            }
            layers.push_back(std::move(d));
        };
        for_each_layer(A::dense, A::digits, add);
        unembed = to_double(A::dense.unembed);
    }

    static double gelu(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }

    std::size_t next_token(std::vector<std::size_t> const& tokens) const {
        std::size_t const n = tokens.size();
        std::vector<drow> x(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i].fill(0);
            x[i][tokens[i]] = 1;
            x[i][14] = std::sin(2 * M_PI * static_cast<double>(i) / 100);
            x[i][15] = std::cos(2 * M_PI * static_cast<double>(i) / 100);
        }
        std::vector<drow> q(n), k(n), v(n), upd(n);
        for (auto const& L : layers) {
            if (L.attention) {
                for (std::size_t i = 0; i < n; ++i)
                    for (std::size_t c = 0; c < W; ++c) {
                        double sq = 0, sk = 0, sv = 0;
                        for (std::size_t r = 0; r < W; ++r) {
                            sq += x[i][r] * L.wq[r * W + c];
                            sk += x[i][r] * L.wk[r * W + c];
                            sv += x[i][r] * L.wv[r * W + c];
                        }
                        q[i][c] = sq, k[i][c] = sk, v[i][c] = sv;
                    }
                std::vector<double> s(n);
                for (std::size_t i = 0; i < n; ++i) {
                    double top = -1e300;
                    for (std::size_t j = 0; j <= i; ++j) {
                        double d = 0;
                        for (std::size_t c = 0; c < W; ++c) d += q[i][c] * k[j][c];
                        s[j] = d * L.scale;
                        top = std::max(top, s[j]);
                    }
                    double z = 0;
                    for (std::size_t j = 0; j <= i; ++j) z += (s[j] = std::exp(s[j] - top));
                    for (std::size_t c = 0; c < W; ++c) {
                        double a = 0;
                        for (std::size_t j = 0; j <= i; ++j) a += s[j] / z * v[j][c];
                        upd[i][c] = a;
                    }
                }
                for (std::size_t i = 0; i < n; ++i)
                    for (std::size_t c = 0; c < W; ++c) x[i][c] += upd[i][c];
            } else {
                std::vector<double> g(L.hidden);
                for (std::size_t i = 0; i < n; ++i) {
                    for (std::size_t h = 0; h < L.hidden; ++h) {
                        double a = L.b1[h];
                        for (std::size_t r = 0; r < W; ++r) a += x[i][r] * L.w1[r * L.hidden + h];
                        g[h] = gelu(a);
                    }
                    for (std::size_t c = 0; c < W; ++c) {
                        double a = L.b2[c];
                        for (std::size_t h = 0; h < L.hidden; ++h) a += g[h] * L.w2[h * W + c];
                        x[i][c] += a;
                    }
                }
            }
        }
        std::size_t best = 0;
        double best_v = -1e300;
        for (std::size_t t = 0; t < vocab_size; ++t) {
            double l = 0;
            for (std::size_t r = 0; r < W; ++r) l += x[n - 1][r] * unembed[r * vocab_size + t];
            if (l > best_v) best_v = l, best = t;
        }
        return best;
    }

    bool adds_correctly(std::uint64_t a, std::uint64_t b) const {
        auto const p = make_prompt<4>(a, b);
        std::vector<std::size_t> tokens(p.ids.begin(), p.ids.end());
        auto const want = expected_answer<4>(a, b);
        bool ok = true;
        for (std::size_t i = 0; i < A::answer_length; ++i) {
            std::size_t const t = next_token(tokens);
            ok = ok && vocabulary[t] == want[i];
            if (t == token::newline) break;
            tokens.push_back(t);
        }
        return ok;
    }
};

template <class F>
double rate(F&& f, std::size_t n) {
    auto const t0 = std::chrono::steady_clock::now();
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += f(i) ? 1 : 0;
    double const s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (ok != n) std::fprintf(stderr, "runtime_bench: %zu of %zu additions wrong\n", n - ok, n);
    return static_cast<double>(n) / s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The checker's blocks, as ctformer-check hands them out for all 4-digit additions: the pairs
// numbered a·10^4 + b, 4096 numbers a block, a block split where a changes; each piece a fixed a
// and a run of b, visited with b's digits reversed. Rounds take consecutive blocks.
constexpr std::uint64_t block = 4096, width = 10000;
constexpr std::size_t blocks = 10;

/// f(a, b_begin, b_end) for each piece of block k.
template <class F>
void for_each_piece(std::uint64_t k, F&& f) {
    for (std::uint64_t i = k * block; i < (k + 1) * block;) {
        std::uint64_t const a = i / width, b = i % width, len = std::min((k + 1) * block - i, width - b);
        f(a, b, b + len);
        i += len;
    }
}

/// Additions per second of `blocks` blocks from `first` on `walker`. ctformer-check keeps one
/// exact_walker per thread for the whole run; a new one shows what filling its memo costs (the
/// first 40,960 additions of a thread).
double exact_blocks(exact_walker<A>& walker, std::uint64_t first) {
    return rate(
               [&](std::size_t i) {
                   std::size_t ok = 0;
                   for_each_piece(first + i, [&](std::uint64_t a, std::uint64_t b0, std::uint64_t b1) {
                       check_block<A>(
                           walker, a, b0, b1, [&](addition_result const& r, margins const&) { ok += r.right; },
                           [] { return false; });
                   });
                   return ok == block;
               },
               blocks) *
           block;
}

}  // namespace

int main() {
    dense_double const plain;
    std::mt19937_64 rng(42);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs(200000);
    for (auto& p : pairs) p = {rng() % 10000, rng() % 10000};
    auto warm = std::make_unique<exact_walker<A>>();
    exact_blocks(*warm, 1000);  // the thread a few seconds into the check
    std::vector<double> fixed_rates, check_rates, cold_rates, double_rates;
    for (int round = 0; round < 5; ++round) {
        std::uint64_t const first = 1010 + blocks * static_cast<std::uint64_t>(round);
        fixed_rates.push_back(rate([&](std::size_t i) { return adds_correctly<A>(pairs[i].first, pairs[i].second); }, 20000));
        check_rates.push_back(exact_blocks(*warm, first));
        auto cold = std::make_unique<exact_walker<A>>();
        cold_rates.push_back(exact_blocks(*cold, first));
        double_rates.push_back(rate([&](std::size_t i) { return plain.adds_correctly(pairs[i].first, pairs[i].second); }, 100));
    }
    double const f = median(fixed_rates), c = median(check_rates), k = median(cold_rates), d = median(double_rates);
    std::printf("additions per second, one thread, median of 5 alternating rounds\n");
    std::printf("  %-66s %12.0f\n", "double, dense, every row recomputed per token (baseline)", d);
    std::printf("  %-66s %12.0f  (%.0fx the baseline)\n", "ctformer::generate (the plain pass users run), fixed point", f, f / d);
    std::printf("  %-66s %12.0f  (%.0fx the baseline, %.1fx generate)\n",
                "check_block on an exact_walker (exact_reuse) as ctformer-check's threads", c, c / d, c / f);
    std::printf("  %-66s %12.0f  (%.0fx the baseline, %.1fx generate)\n",
                "  the same on a new exact_walker (its first 40,960 additions)", k, k / d, k / f);
    // The notebook's own log: 10^6 additions in 3:33:21 (78.12 it/s); its code runs 53-62/s here
    // (tests/seed/seed_rate.py, Debian's torch 1.13, one thread).
    std::printf("  the seed notebook (PyTorch, its own log): 78/s; fixed from scratch is %.0fx that\n", f / 78.12);
    return 0;
}
