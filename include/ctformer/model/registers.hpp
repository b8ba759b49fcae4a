// ctformer/model/registers.hpp — the residual stream cut into named registers.
//
// A row of the residual stream is the one-hot token (14 columns) followed by registers, each a
// name and a width. The layout gives every register its offset, computed at compile time, and is
// looked up by compile-time name: layout[reg::left] is a slot {offset, width}; a name that the
// layout does not hold does not compile.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ctformer/detail/hana.hpp"

namespace ctformer {

namespace hana = boost::hana;

/// The seed's vocabulary, in its order: the token id is the index.
inline constexpr std::string_view vocabulary = "0123456789+= \n";
inline constexpr std::size_t vocab_size = vocabulary.size();

namespace token {
/// Ids every program shares (model/program.hpp): the operation (the seed's '+'), '=', ' ', '\n'.
inline constexpr std::size_t operation = 10, equals = 11, space = 12, newline = 13;
inline constexpr std::size_t plus = operation;  ///< the operation token in the seed's adder
}

/// Where a register lives in a row.
struct slot {
    std::size_t offset;
    std::size_t width;
    constexpr std::size_t operator[](std::size_t i) const { return offset + i; }
    friend constexpr bool operator==(slot, slot) = default;
};

/// A register's declaration: a compile-time name and a width.
template <class Name, std::size_t Width>
struct register_decl {
    static constexpr std::size_t width = Width;
    Name name;
};

template <std::size_t Width, class Name>
constexpr register_decl<Name, Width> declare(Name name) {
    return {name};
}

/// The layout: a compile-time map from register name to slot.
template <class Map, std::size_t Width, std::size_t Count>
struct layout {
    static constexpr std::size_t width = Width;  ///< columns in a row
    static constexpr std::size_t count = Count;  ///< registers, the token block not included
    Map map;

    template <class Name>
    constexpr slot operator[](Name name) const {
        static_assert(decltype(hana::contains(map, name))::value,
                      "ctformer: the layout has no register of this name (see model/registers.hpp)");
        return hana::at_key(map, name);
    }

    /// Register names and slots in order, for printing and plotting.
    constexpr std::array<std::pair<std::string_view, slot>, Count> entries() const {
        std::array<std::pair<std::string_view, slot>, Count> out{};
        std::size_t i = 0;
        hana::for_each(hana::keys(map), [&](auto key) {
            out[i++] = {std::string_view{hana::to<char const*>(key)}, hana::at_key(map, key)};
        });
        // hana::map keeps no order: sort by offset
        for (std::size_t a = 0; a < Count; ++a)
            for (std::size_t b = a + 1; b < Count; ++b)
                if (out[b].second.offset < out[a].second.offset) {
                    auto t = out[a];
                    out[a] = out[b];
                    out[b] = t;
                }
        return out;
    }
};

/// Lays the registers out after the token block, in the order given.
template <class... Decls>
constexpr auto make_layout(Decls... decls) {
    constexpr std::size_t widths[] = {Decls::width...};
    std::size_t offset = vocab_size;
    std::size_t i = 0;
    auto map = hana::make_map(hana::make_pair(decls.name, slot{0, 0})...);
    hana::for_each(hana::make_tuple(decls...), [&](auto d) {
        hana::at_key(map, d.name) = slot{offset, widths[i]};
        offset += widths[i++];
    });
    constexpr std::size_t total = (vocab_size + ... + Decls::width);
    return layout<decltype(map), total, sizeof...(Decls)>{map};
}

/// The seed's register names.
namespace reg {
inline constexpr auto pos = BOOST_HANA_STRING("pos");
inline constexpr auto left_pos = BOOST_HANA_STRING("left_pos");
inline constexpr auto right_pos = BOOST_HANA_STRING("right_pos");
inline constexpr auto out_pos = BOOST_HANA_STRING("out_pos");
inline constexpr auto left = BOOST_HANA_STRING("left");
inline constexpr auto right = BOOST_HANA_STRING("right");
inline constexpr auto out = BOOST_HANA_STRING("out");
inline constexpr auto carry = BOOST_HANA_STRING("carry");
inline constexpr auto distance = BOOST_HANA_STRING("distance");
inline constexpr auto final = BOOST_HANA_STRING("final");
}  // namespace reg

/// The seed's layout (width 80): tokens 0–13, pos 14, left_pos 16, right_pos 18, out_pos 20,
/// left 22, right 36, out 50, carry 64, distance 65, final 66–79.
inline constexpr auto seed_layout =
    make_layout(declare<2>(reg::pos), declare<2>(reg::left_pos), declare<2>(reg::right_pos), declare<2>(reg::out_pos),
                declare<vocab_size>(reg::left), declare<vocab_size>(reg::right), declare<vocab_size>(reg::out),
                declare<1>(reg::carry), declare<1>(reg::distance), declare<vocab_size>(reg::final));

using seed_layout_t = std::remove_const_t<decltype(seed_layout)>;

}  // namespace ctformer
