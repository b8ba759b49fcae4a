// Exercise 3, solved (docs/exercises.md): the starting file is docs/exercises/03_find_the_spoiled_additions.cpp.
//
// Break the same add-table entry as exercise 2 — unit (7, 8, no carry) writes the digit 4 instead
// of 5 — without a compiler: in the network's JSON, edited by hand.
//   ./build/tools/ctformer export --json > net.json
// In net.json, "layers" entry 8 is add_with_carry; its "w2" row 156 is unit (7, 8, no carry)
// (unit 2·(10·7 + 8)), and the columns 50–63 of a row are the `out` register (the digit d is
// column 50 + d). Set w2[156][55] to 0 and w2[156][54] to 0.0078125 (1/128) and save it as
// broken.json. Then run every 2-digit addition through it:
//   ./build/tools/ctformer-check --digits 2 --weights broken.json --max-failures 200
// (each addition runs on the reference forward pass: about a minute.) From its list, say how many
// 2-digit additions come out wrong, and which: write the rule as `spoiled(a, b)` below, in terms of
// the columns of a and b. Then check:
//   cmake --build build --target exercise_03
// The check compares your count and rule with the column arithmetic of the broken table, worked out
// in integers here, and the two with each other.
#include <cstdint>

// ctformer-check lists 155 failures: every a = ·7 with b = ·8 (the ones column meets 7 over 8 with
// no carry: 10 × 10 = 100 pairs, each with 4 where 5 belongs, the carry still right), and every
// a = 7· with b = 8· whose ones digits add up to less than 10 (the tens column meets 7 over 8 with
// no carry in: 55 pairs, x + y ≤ 9). 07+18 is spoiled (ones 7 over 8), 17+18 too; 71+18 is not.
constexpr int spoiled_count = 155;
constexpr bool spoiled(std::uint64_t a, std::uint64_t b) {
    bool const ones = a % 10 == 7 && b % 10 == 8;
    bool const tens = a / 10 == 7 && b / 10 == 8 && a % 10 + b % 10 < 10;
    return ones || tens;
}

// The broken table in integers: column by column from the right, as the network computes; the
// unit (7, 8, no carry) writes 4 (and still sets the carry). Returns whether any column differs.
constexpr bool broken_table_differs(std::uint64_t a, std::uint64_t b) {
    int carry = 0;
    for (int k = 0; k < 2; ++k, a /= 10, b /= 10) {
        int const x = static_cast<int>(a % 10), y = static_cast<int>(b % 10);
        if (x == 7 && y == 8 && carry == 0) return true;
        carry = (x + y + carry) / 10;
    }
    return false;
}
constexpr int count_differing() {
    int n = 0;
    for (std::uint64_t a = 0; a < 100; ++a)
        for (std::uint64_t b = 0; b < 100; ++b) n += broken_table_differs(a, b);
    return n;
}
constexpr bool rule_matches() {
    for (std::uint64_t a = 0; a < 100; ++a)
        for (std::uint64_t b = 0; b < 100; ++b)
            if (spoiled(a, b) != broken_table_differs(a, b)) return false;
    return true;
}
static_assert(spoiled_count == count_differing(), "your prediction of the count is not what the broken table gives");
static_assert(rule_matches(), "your prediction of the rule is not what the broken table gives");
