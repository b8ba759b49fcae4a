// tools/check/options.cpp — the syntax of ctformer-check's --left, --right and --shard.
#include <algorithm>

#include <fmt/core.h>

#include "check.hpp"

namespace ctformer::tools::check {

namespace {
bool digits_only(std::string const& s, std::size_t max_length) {
    return !s.empty() && s.size() <= max_length && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

std::pair<std::uint64_t, std::uint64_t> parse_range(std::string const& text, std::uint64_t limit, char const* option) {
    auto const dots = text.find("..");
    auto number = [&](std::string const& s) {
        if (!digits_only(s, 19))  // 19 digits always fit 64 bits
            throw usage_error(fmt::format("{} \"{}\": expected A..B with non-negative integers A ≤ B", option, text));
        return std::stoull(s);
    };
    if (dots == std::string::npos) throw usage_error(fmt::format("{} \"{}\": expected A..B (for example 0..999)", option, text));
    auto const lo = number(text.substr(0, dots)), hi = number(text.substr(dots + 2));
    if (lo > hi) throw usage_error(fmt::format("{} \"{}\": the range is empty (A > B)", option, text));
    if (hi >= limit)
        throw usage_error(
            fmt::format("{} \"{}\": {} has more digits than --digits allows (at most {})", option, text, hi, limit - 1));
    return {lo, hi};
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(std::string const& text) {
    auto const slash = text.find('/');
    auto fail = [&] { return usage_error(fmt::format("--shard \"{}\": expected K/N with 1 ≤ K ≤ N (for example 3/8)", text)); };
    if (slash == std::string::npos) throw fail();
    std::string const k = text.substr(0, slash), n = text.substr(slash + 1);
    if (!digits_only(k, 9) || !digits_only(n, 9)) throw fail();
    auto const kk = std::stoull(k), nn = std::stoull(n);
    if (kk < 1 || kk > nn) throw fail();
    return {kk - 1, nn};
}

}  // namespace ctformer::tools::check
