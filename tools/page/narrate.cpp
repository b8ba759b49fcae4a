// tools/page/narrate.cpp — the walkthrough's per-step narration (tools/page/narrate.hpp), from the decoded
// registers of each step and the rows each attention chose.
#include "narrate.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <fmt/core.h>

namespace ctformer::tools {

namespace {

/// A step's decoded registers, looked up by name.
class step_view {
public:
    step_view(plot_set const& p, std::size_t k) : p_(p), st_(p.steps[k]) {}
    std::string const& value(std::size_t row, std::string_view reg) const { return st_.decoded[row][index(reg)]; }
    bool changed(std::size_t row, std::string_view reg) const { return st_.changed[row][index(reg)]; }
    /// The row attention gave weight 1 ("row 3" in the decoded step), if it chose one.
    std::optional<std::size_t> chosen(std::size_t row) const {
        std::string const& a = st_.attends[row];
        if (a.rfind("row ", 0) != 0) return std::nullopt;
        return static_cast<std::size_t>(std::strtoul(a.c_str() + 4, nullptr, 10));
    }
    std::string const& name() const { return st_.name; }

private:
    std::size_t index(std::string_view reg) const {
        auto const it = std::find(p_.registers.begin(), p_.registers.end(), reg);
        return static_cast<std::size_t>(it - p_.registers.begin());
    }
    plot_set const& p_;
    program_step const& st_;
};

bool is(std::string const& name, std::string_view prefix) { return name.rfind(prefix, 0) == 0; }

/// The token of row j as the walkthrough prints it.
std::string token_at(plot_set const& p, std::size_t j) {
    if (j >= p.text.size()) return "?";
    return p.text[j] == '\n' ? std::string("\\n") : std::string(1, p.text[j]);
}

/// A decoded value in words: "·" is an empty register.
std::string shown(std::string const& v) { return v == "·" ? std::string("empty") : v; }

/// The most recent step before k whose name starts with `prefix` (k itself if none).
std::size_t last_step(plot_set const& p, std::size_t k, std::string_view prefix) {
    for (std::size_t j = k; j-- > 1;)
        if (is(p.steps[j].name, prefix)) return j;
    return k;
}

/// What step k did to one row, in words.
std::string row_phrase(plot_set const& p, std::size_t k, std::size_t r) {
    step_view const now(p, k), before(p, k - 1);
    std::string const& name = now.name();
    auto moved = [&](std::string_view reg) { return fmt::format("{} {} → {}", reg, before.value(r, reg), now.value(r, reg)); };
    if (is(name, "find_and_store") || is(name, "read_relative")) {
        auto const j = now.chosen(r);
        if (!j) return "attends to no single row";
        std::string what;
        for (std::string_view reg : {"left_pos", "right_pos", "out_pos", "left", "right"})
            if (now.changed(r, reg)) what += fmt::format("{}{} ← {}", what.empty() ? "" : ", ", reg, now.value(r, reg));
        return fmt::format("reads row {} ('{}'): {}", *j, token_at(p, *j), what.empty() ? "nothing changes" : what);
    }
    if (is(name, "add_with_carry")) {
        step_view const left(p, last_step(p, k, "read_relative(left")), right(p, last_step(p, k, "read_relative(right"));
        auto source = [&](step_view const& s) {
            auto const j = s.chosen(r);
            return j ? fmt::format(" (row {})", *j) : std::string();
        };
        std::string const& l = now.value(r, "left");
        std::string const& rt = now.value(r, "right");
        std::string const& c_in = before.value(r, "carry");
        std::string const& c_out = now.value(r, "carry");
        std::string sum;
        auto digit = [](std::string const& v) { return v.size() == 1 && v[0] >= '0' && v[0] <= '9'; };
        if (digit(l) && digit(rt) && digit(c_in))
            sum = fmt::format(" = {}", (l[0] - '0') + (rt[0] - '0') + (c_in[0] - '0'));
        return fmt::format("{}{} + {}{} + carry {}{} → out {}, carry {} {}", l, source(left), rt, source(right), c_in, sum,
                           now.value(r, "out"), c_in == c_out ? "stays" : "becomes", c_out);
    }
    if (is(name, "clear"))
        return fmt::format("left, right and out emptied; the carry ({}) is not cleared and travels on", now.value(r, "carry"));
    if (is(name, "diff_pos")) {
        std::string const& had = before.value(r, "distance");
        if (had == "0") return fmt::format("distance to the out cursor ({}): {}", now.value(r, "out_pos"), now.value(r, "distance"));
        return fmt::format("distance ← {} (the last pass's flag) + the distance to the out cursor ({}) = {}", had, now.value(r, "out_pos"),
                           now.value(r, "distance"));
    }
    if (is(name, "is_zero"))
        return now.value(r, "distance") == "1" ? "match flag 1: the out cursor points at this row" : fmt::format("match flag {}", now.value(r, "distance"));
    if (is(name, "copy_on_match"))
        return now.changed(r, "final") ? fmt::format("final ← {} (out, copied: the flag is 1 here)", now.value(r, "final"))
                                       : fmt::format("final stays {} (the flag is 0 here)", shown(now.value(r, "final")));
    if (is(name, "carry_out")) return fmt::format("out ← the carry as a digit, {}; {}", now.value(r, "out"), moved("out_pos"));
    if (is(name, "end_token")) return fmt::format("out ← the end token \\n; {}", moved("out_pos"));
    std::string what;  // step_position and anything else: every register that changed
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
