// tools/page/registers.hpp — a row's registers for people and programs: their names and slots, each
// decoded into a word (a cursor as the position it points at, a digit block as its digit, a scalar
// as its value) and its raw entries as doubles.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <ctformer/ctformer.hpp>

namespace ctformer::tools {

struct named_slot {
    std::string name;
    slot at;
};

/// The registers of a layout in column order (the token block not included).
template <class Layout>
std::vector<named_slot> registers_of(Layout const& layout) {
    std::vector<named_slot> out;
    for (auto const& [name, at] : layout.entries()) out.push_back({std::string(name), at});
    return out;
}

/// The register at `s` of `row` in words: "@p" for a cursor at position p (sin/cos of 2π·p/100),
/// the token of a one-hot block (a character of `vocabulary`, the program's: the seed's by
/// default), "d(0.870)" for a blend (its largest entry), "·" when empty.
std::string decode(slot s, fixed const* row, std::string_view vocabulary = ctformer::vocabulary);

/// The register's entries as doubles (exact: the Q31.32 values the row holds).
std::vector<double> values_of(slot s, fixed const* row);

/// A token as a label: the end token as the two characters \n.
inline std::string token_text(char c) { return c == '\n' ? std::string("\\n") : std::string(1, c); }

}  // namespace ctformer::tools
