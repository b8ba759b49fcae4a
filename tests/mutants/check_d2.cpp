// The unit each checker mutant of tests/mutants/CMakeLists.txt is built and run as, against a copy
// of include/ with one defect planted: the checker's walk (exact_walker, check_block: what
// ctformer-check runs) over every 2-digit addition and every 3-digit one with a ∈ {0, 499, 999},
// each result compared with the sum's digits worked out here; then over every 2-digit addition of
// a broken network (the embedding writes carry = 1 into row 6, which predicts the sum's second
// digit: a run-time copy of the seed's, model/network.hpp's runtime_build), whose wrong answers
// (a right first digit, a wrong second one where a + b ends in 9) must be reported wrong. Exits 0 when
// every result is there and reported as it is (and the broken network's answers are wrong); 1
// otherwise, naming the first pair. Built and run intact by the default build (mutant.check_intact).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <ctformer/model/addition.hpp>
#include <ctformer/check/check.hpp>

namespace {

/// The sum's D + 1 digits, least significant first, then '\n'.
std::string reversed_sum(std::uint64_t a, std::uint64_t b, std::size_t digits) {
    std::string s;
    for (std::uint64_t v = a + b, i = 0; i <= digits; ++i, v /= 10) s += static_cast<char>('0' + v % 10);
    return s + '\n';
}

template <class Model>
bool check_every_b(std::uint64_t a_begin, std::uint64_t a_end, std::uint64_t a_step, bool broken = false) {
    using model = Model;
    constexpr std::size_t D = Model::digits;
    std::uint64_t wrong = 0;
    auto walker = std::make_unique<ctformer::exact_walker<model>>();
    std::uint64_t const n = model::answer_length;
    std::uint64_t bs = 1;
    for (std::size_t i = 0; i < D; ++i) bs *= 10;
    for (std::uint64_t a = a_begin; a < a_end; a += a_step) {
        std::uint64_t seen = 0;
        bool ok = true;
        ctformer::check_block<model>(
            *walker, a, 0, bs,
            [&](ctformer::addition_result const& r, ctformer::margins const&) {
                ++seen;
                std::string const want = reversed_sum(r.a, r.b, D);
                bool const right = std::string(r.got.data(), n) == want;
                wrong += right ? 0 : 1;
                if (ok && (r.a != a || (!right && !broken) || r.right != right)) {
                    std::printf("wrong: %llu+%llu gave '%.*s' (reported %s)\n", static_cast<unsigned long long>(r.a),
                                static_cast<unsigned long long>(r.b), static_cast<int>(n - 1), r.got.data(), r.right ? "right" : "wrong");
                    ok = false;
                }
            },
            [] { return false; });
        if (seen != bs) {
            std::printf("incomplete: a = %llu, %llu of %llu results\n", static_cast<unsigned long long>(a),
                        static_cast<unsigned long long>(seen), static_cast<unsigned long long>(bs));
            return false;
        }
        if (!ok) return false;
    }
    if (broken && wrong == 0) std::printf("wrong: the broken network added every pair right\n");
    return !broken || wrong > 0;
}

}  // namespace

int main() {
    using ctformer::seed_weights;
    bool ok = check_every_b<ctformer::adder<2>>(0, 100, 1) && check_every_b<ctformer::adder<3>>(0, 1000, 499);
    auto& net = ctformer::runtime_network<seed_weights>;
    net.embedding.position[6][net.layout[ctformer::reg::carry][0]] = ctformer::fixed::from_int(1);  // row 6: the sum's 2nd digit
    ++ctformer::runtime_network_version<seed_weights>;
    ok = ok && check_every_b<ctformer::adder<2, ctformer::runtime_build<seed_weights>>>(0, 100, 1, true);
    std::printf("%s\n", ok ? "every result there and reported as it is" : "checker defect");
    return ok ? 0 : 1;
}
