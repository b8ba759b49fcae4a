// tools/page/narrate.cpp — the walkthrough's per-step narration (tools/page/narrate.hpp), from the decoded
// registers of each step, the rows each attention chose, and how each instruction says it is narrated
// (layer_about, set by the instruction that built the layer: model/instructions.hpp).
#include "narrate.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <fmt/core.h>

namespace ctformer::tools {

namespace {

using narration = layer_about::narration;

/// A step's decoded registers, looked up by name.
class step_view {
public:
    step_view(plot_set const& p, std::size_t k) : p_(p), st_(p.steps[k]) {}
    std::string const& value(std::size_t row, std::string_view reg) const { return st_.decoded[row][index(reg)]; }
    bool changed(std::size_t row, std::string_view reg) const { return st_.changed[row][index(reg)]; }
    /// The row attention gave weight exactly 1 ("row 3" in the decoded step, nothing after the
    /// number), if it chose one.
    std::optional<std::size_t> chosen(std::size_t row) const {
        std::string const& a = st_.attends[row];
        if (a.size() <= 4 || a.rfind("row ", 0) != 0 || a.find_first_not_of("0123456789", 4) != std::string::npos) return std::nullopt;
        return static_cast<std::size_t>(std::strtoul(a.c_str() + 4, nullptr, 10));
    }
    program_step const& step() const { return st_; }

private:
    std::size_t index(std::string_view reg) const {
        auto const it = std::find(p_.registers.begin(), p_.registers.end(), reg);
        return static_cast<std::size_t>(it - p_.registers.begin());
    }
    plot_set const& p_;
    program_step const& st_;
};

/// The token of row j as the walkthrough prints it.
std::string token_at(plot_set const& p, std::size_t j) {
    if (j >= p.text.size()) return "?";
    return p.text[j] == '\n' ? std::string("\\n") : std::string(1, p.text[j]);
}

/// A decoded value in words: "·" is an empty register.
std::string shown(std::string const& v) { return v == "·" ? std::string("empty") : v; }

bool writes(program_step const& st, std::string_view reg) {
    return std::find(st.writes.begin(), st.writes.end(), reg) != st.writes.end();
}

/// "a", "a and b", "a, b and c".
std::string listed(std::vector<std::string> const& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

/// The most recent attention step before k that writes `reg` (k itself if none).
std::size_t last_read_into(plot_set const& p, std::size_t k, std::string_view reg) {
    for (std::size_t j = k; j-- > 1;)
        if (p.steps[j].about.narrate == narration::read && writes(p.steps[j], reg)) return j;
    return k;
}

bool is_digit(std::string const& v) { return v.size() == 1 && v[0] >= '0' && v[0] <= '9'; }

/// A column table's formula ("{x} + {y} + carry {c}") with the placeholders filled, and its value
/// when all three are digits and an operator (+ − ×, or + - *) stands between each two: evaluated
/// left to right. (The library checks a formula's placeholders when it builds the layer:
/// model/instructions.hpp, column_formula_ok.)
std::pair<std::string, std::optional<long>> fill_formula(std::string_view formula, std::string const (&text)[3],
                                                         std::string const (&value)[3]) {
    std::string out;
    std::optional<long> total;
    char op = 0;  // the operator since the last placeholder, if any
    bool ok = true;
    for (std::size_t i = 0; i < formula.size();) {
        std::size_t const close = formula[i] == '{' ? formula.find('}', i) : std::string_view::npos;
        if (close != std::string_view::npos) {
            std::string_view const key = formula.substr(i + 1, close - i - 1);
            int const k = key == "x" ? 0 : key == "y" ? 1 : 2;
            out += text[k];
            ok = ok && is_digit(value[k]) && (!total || op != 0);
            if (ok) {
                long const v = value[k][0] - '0';
                total = !total ? v : op == '+' ? *total + v : op == '-' ? *total - v : *total * v;
            }
            op = 0;
            i = close + 1;
            continue;
        }
        if (formula.substr(i).starts_with("−")) op = '-';
        if (formula.substr(i).starts_with("×")) op = '*';
        if (formula[i] == '+' || formula[i] == '-' || formula[i] == '*') op = formula[i];
        out += formula[i++];
    }
    return {out, ok ? total : std::nullopt};
}

/// What a column table did to row r: "9 (row 2) + 1 (row 7) + carry 1 = 11 → out 1, carry stays 1".
std::string column_phrase(plot_set const& p, std::size_t k, std::size_t r) {
    step_view const now(p, k), before(p, k - 1);
    step_view const left(p, last_read_into(p, k, "left")), right(p, last_read_into(p, k, "right"));
    auto source = [&](step_view const& s) {
        auto const j = s.chosen(r);
        return j ? fmt::format(" (row {})", *j) : std::string();
    };
    std::string const& c_in = before.value(r, "carry");
    std::string const& c_out = now.value(r, "carry");
    std::string const text[3] = {now.value(r, "left") + source(left), now.value(r, "right") + source(right), c_in};
    std::string const value[3] = {now.value(r, "left"), now.value(r, "right"), c_in};
    auto const [filled, total] = fill_formula(now.step().about.formula, text, value);
    return fmt::format("{}{} → out {}, {} {} {}", filled, total ? fmt::format(" = {}", *total) : std::string(), now.value(r, "out"),
                       p.carry_name, c_in == c_out ? "stays" : "becomes", c_out);
}

/// What step k did to one row, in words.
std::string row_phrase(plot_set const& p, std::size_t k, std::size_t r) {
    step_view const now(p, k), before(p, k - 1);
    program_step const& st = now.step();
    auto moved = [&](std::string_view reg) { return fmt::format("{} {} → {}", reg, shown(before.value(r, reg)), shown(now.value(r, reg))); };
    switch (st.about.narrate) {
        case narration::read: {
            auto const j = now.chosen(r);
            if (!j) return "attends to no single row";
            std::vector<std::string> what;
            for (std::string const& reg : p.registers)
                if (now.changed(r, reg)) what.push_back(fmt::format("{} ← {}", reg, now.value(r, reg)));
            std::string stored;
            for (auto const& w : what) stored += (stored.empty() ? "" : ", ") + w;
            return fmt::format("reads row {} ('{}'): {}", *j, token_at(p, *j), stored.empty() ? "nothing changes" : stored);
        }
        case narration::column:
            return column_phrase(p, k, r);
        case narration::clear: {
            std::string const kept = writes(st, "carry") ? std::string()
                                                         : fmt::format("; the {} ({}) is not cleared and travels on", p.carry_name,
                                                                       now.value(r, "carry"));
            return fmt::format("{} emptied{}", listed(st.writes), kept);
        }
        case narration::distance: {
            std::string const& had = before.value(r, "distance");
            if (had == "0") return fmt::format("distance to the out cursor ({}): {}", now.value(r, "out_pos"), now.value(r, "distance"));
            return fmt::format("distance ← {} (the last pass's flag) + the distance to the out cursor ({}) = {}", had,
                               now.value(r, "out_pos"), now.value(r, "distance"));
        }
        case narration::flag:
            return now.value(r, "distance") == "1" ? "match flag 1: the out cursor points at this row"
                                                   : fmt::format("match flag {}", now.value(r, "distance"));
        case narration::copy:
            return now.changed(r, "final") ? fmt::format("final ← {} (out, copied: the flag is 1 here)", now.value(r, "final"))
                                           : fmt::format("final stays {} (the flag is 0 here)", shown(now.value(r, "final")));
        case narration::digit_out:
            return fmt::format("out ← the {} as a digit, {}; {}", p.carry_name, now.value(r, "out"), moved("out_pos"));
        case narration::end:
            return fmt::format("out ← the end token \\n; {}", moved("out_pos"));
        case narration::changes:
            break;
    }
    std::string what;  // every register that changed
    for (std::string const& reg : p.registers)
        if (now.changed(r, reg)) what += (what.empty() ? "" : ", ") + moved(reg);
    return what.empty() ? "nothing changes" : what;
}

}  // namespace

std::vector<std::string> narrate(plot_set const& p) {
    std::vector<std::string> out;
    std::size_t const first = p.prompt_rows - 1, rows = p.steps.empty() ? 0 : p.steps[0].decoded.size();
    out.push_back(fmt::format("Rows {}–{} (from '=' on) are the rows generation reads: each holds its token and position.", first,
                              rows - 1));
    for (std::size_t k = 1; k < p.steps.size(); ++k) {
        std::string text;
        for (std::size_t r = first; r < rows;) {  // consecutive rows with the same phrase, as one group
            std::string const phrase = row_phrase(p, k, r);
            std::size_t end = r + 1;
            while (end < rows && row_phrase(p, k, end) == phrase) ++end;
            text += fmt::format("{}{}: {}", text.empty() ? "" : "; ",
                                end - r == 1 ? fmt::format("row {}", r) : fmt::format("rows {}–{}", r, end - 1), phrase);
            r = end;
        }
        out.push_back(text + ".");
    }
    return out;
}

}  // namespace ctformer::tools
