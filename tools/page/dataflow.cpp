// tools/page/dataflow.cpp — the data-flow and timeline diagrams (tools/page/dataflow.hpp), as SVG text.
#include "dataflow.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/core.h>

namespace ctformer::tools {

namespace {

constexpr int font = 13;  // px: every label at least 11 px at 100 % zoom

std::string text(double x, double y, std::string_view s, std::string_view anchor = "start", std::string_view extra = "") {
    std::string esc;
    for (char c : s) esc += c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\" text-anchor=\"{}\" {}>{}</text>\n", x, y, font, anchor, extra, esc);
}

/// Columns with a nonzero entry in a row-major rows × cols matrix: by row (reads) or by column (writes).
std::vector<bool> nonzero_rows(std::vector<double> const& m, std::size_t rows, std::size_t cols, std::size_t keep) {
    std::vector<bool> out(keep, false);
    for (std::size_t r = 0; r < std::min(rows, keep); ++r)
        for (std::size_t c = 0; c < cols; ++c)
            if (m[r * cols + c] != 0) out[r] = true;
    return out;
}
std::vector<bool> nonzero_cols(std::vector<double> const& m, std::size_t rows, std::size_t cols) {
    std::vector<bool> out(cols, false);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
            if (m[r * cols + c] != 0) out[c] = true;
    return out;
}

/// The columns an MLP can change: those a unit with an input writes, and those its constant part
/// (b2 and the units without an input, which the compiled layer folds into its bias) leaves nonzero.
/// (step_position's W2 names all 80 columns, but off the cursors GELU(1000) − 1000 adds exactly 0.)
std::vector<bool> mlp_writes(layer_weights const& w, std::size_t W) {
    std::size_t const H = w.hidden;
    auto const reads = nonzero_cols(std::vector<double>(w.w1.begin(), w.w1.begin() + static_cast<std::ptrdiff_t>(W * H)), W, H);
    std::vector<double> constant(w.w2.begin() + static_cast<std::ptrdiff_t>(H * W), w.w2.end());  // b2
    std::vector<bool> out(W, false);
    for (std::size_t u = 0; u < H; ++u) {
        double const b = w.w1[W * H + u], g = b * 0.5 * std::erfc(-b / std::numbers::sqrt2);  // GELU(b1) of a unit at rest
        for (std::size_t c = 0; c < W; ++c) {
            if (w.w2[u * W + c] == 0) continue;
            if (reads[u])
                out[c] = true;
            else
                constant[c] += g * w.w2[u * W + c];
        }
    }
    for (std::size_t c = 0; c < W; ++c) out[c] = out[c] || std::abs(constant[c]) > 1e-9;
    return out;
}

struct lane {
    std::string name;
    std::vector<bool> own, other, writes;  ///< per column: read from the row itself, read from other rows, written
};

std::vector<lane> lanes_of(plot_input const& in) {
    std::size_t const W = in.width;
    std::vector<lane> lanes;
    for (auto const& w : in.weights) {
        lane l{w.name, std::vector<bool>(W), std::vector<bool>(W), std::vector<bool>(W)};
        if (w.attention) {
            l.own = nonzero_rows(w.wq, W, w.head, W);  // the query: this row
            auto const k = nonzero_rows(w.wk, W, w.head, W), v = nonzero_rows(w.wv, W, W, W);
            for (std::size_t c = 0; c < W; ++c) l.other[c] = k[c] || v[c];  // keys and values: the rows attended to
            l.writes = nonzero_cols(w.wv, W, W);
        } else {
            l.own = nonzero_rows(w.w1, W, w.hidden, W);
            l.writes = mlp_writes(w, W);
        }
        lanes.push_back(std::move(l));
    }
    return lanes;
}

}  // namespace

std::string dataflow_svg(plot_input const& in) {
    std::size_t const W = in.width;
    double const left = 300, cell = 14, top = 110, lane_h = 24;
    auto const lanes = lanes_of(in);
    double const width = left + cell * static_cast<double>(W) + 20, height = top + lane_h * static_cast<double>(lanes.size() + 1) + 50;
    auto x_of = [&](std::size_t c) { return left + cell * static_cast<double>(c) + cell / 2; };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
        "font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        width, height, width, height);
    svg += text(10, 20, "What each instruction reads and writes: blue = its own row, green = other rows (attention's keys and values), red = written");
    svg += text(10, 38, "Each layer is numbered by the step that first runs it (a body layer runs again in every pass)");
    // the registers: the token block, then the layout's
    std::vector<named_slot> regs{{"token", slot{0, 14}}};
    regs.insert(regs.end(), in.registers.begin(), in.registers.end());
    for (std::size_t g = 0; g < regs.size(); ++g) {
        double const x0 = left + cell * static_cast<double>(regs[g].at.offset), w = cell * static_cast<double>(regs[g].at.width);
        svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"#888\"/>\n", x0, top - 22, w,
                           16.0, g % 2 ? "#eef" : "#efe");
        svg += text(x0 + w / 2, top - 28 - 15 * static_cast<double>(g % 3), regs[g].name, "middle");
        for (std::size_t i = 0; i < regs[g].at.width; ++i)
            svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>\n", x0 + cell * static_cast<double>(i), top - 6,
                               top + lane_h * static_cast<double>(lanes.size()));
    }
    for (std::size_t k = 0; k < lanes.size(); ++k) {
        lane const& l = lanes[k];
        double const y = top + lane_h * static_cast<double>(k) + lane_h / 2;
        svg += text(10, y + font / 3.0, fmt::format("{:>2} {}", first_step(in, k), l.name));  // numbered as the steps
        double rx = 0, wx = 0;
        int nr = 0, nw = 0;
        for (std::size_t c = 0; c < W; ++c) {
            if (l.own[c] || l.other[c]) rx += x_of(c), ++nr;
            if (l.writes[c]) wx += x_of(c), ++nw;
            if (l.other[c])
                svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" fill=\"#2a2\"/>\n", x_of(c), y - 4);
            if (l.own[c]) svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" fill=\"#36c\"/>\n", x_of(c), y + 4);
            if (l.writes[c])
                svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"10\" fill=\"#c33\"/>\n", x_of(c) - 5, y - 5, 10.0);
        }
        if (nr > 0 && nw > 0) {
            rx /= nr, wx /= nw;
            svg += fmt::format(
                "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>\n",
                rx, y + 9, wx, y + 9);
        }
    }
    svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
           "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n";
    svg += text(10, height - 20,
                fmt::format("Only token and pos are read across rows (green): every row runs the whole {} itself, and copy_on_match "
                            "picks its digit.",
                            in.noun));
    return svg + "</svg>\n";
}

std::string timeline_svg(plot_input const& in) {
    std::size_t const W = in.width, r = in.prompt_rows - 1;
    auto column = [&](std::string_view name) {
        for (auto const& reg : in.registers)
            if (reg.name == name) return reg.at.offset;
        return std::size_t{0};
    };
    // the '=' row after each segment: the prologue, the body passes, the epilogue
    std::vector<std::pair<std::string, std::size_t>> points;
    for (std::size_t s = 1; s < in.steps.size(); ++s)
        if (s + 1 == in.steps.size() || in.steps[s + 1].segment != in.steps[s].segment) {
            std::string seg = in.steps[s].segment;
            if (auto const c = seg.find(" of "); c != std::string::npos) seg = seg.substr(0, c);
            points.push_back({seg, s});
        }
    auto position = [&](std::size_t s, std::string_view reg) {
        fixed const* x = in.steps[s].stream.data() + r * W + column(reg);
        double p = std::atan2(x[0].to_double(), x[1].to_double()) * 100 / (2 * std::numbers::pi);
        p = p < -0.5 ? p + 100 : p;
        return std::abs(p) < 0.5 ? 0.0 : p;
    };
    double const left = 120, dx = 110, top = 40, h = 260;
    double const width = left + dx * static_cast<double>(points.size()) + 40, height = top + h + 90;
    double pmax = 0;
    for (auto const& [seg, s] : points)
        for (auto reg : {"left_pos", "right_pos", "out_pos"}) pmax = std::max(pmax, position(s, reg));
    auto y_of = [&](double p) { return top + h - h * p / (pmax + 1); };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
        "font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        width, height, width, height);
    std::string prompt;
    for (std::size_t i = 0; i < in.prompt_rows; ++i) prompt += in.vocabulary[in.tokens[i]];
    svg += text(10, 20, fmt::format("The cursors and the carry of row {} ('=') after each segment, for {}", r, prompt));
    struct series { char const* reg; char const* colour; };
    for (auto [reg, colour] : {series{"left_pos", "#36c"}, series{"right_pos", "#2a2"}, series{"out_pos", "#c33"}}) {
        std::string path;
        for (std::size_t k = 0; k < points.size(); ++k) {
            double const x = left + dx * static_cast<double>(k) + dx / 2, p = position(points[k].second, reg);
            path += fmt::format("{}{:.1f},{:.1f} ", k == 0 ? "M" : "L", x, y_of(p));
            svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>\n", x, y_of(p), colour);
            svg += text(x + 6, y_of(p) - 6, fmt::format("@{:.0f}", p), "start", fmt::format("fill=\"{}\"", colour));
        }
        svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path, colour);
        svg += text(10, y_of(position(points[0].second, reg)) + 4, reg, "start", fmt::format("fill=\"{}\"", colour));
    }
    std::size_t const carry = column("carry");
    for (std::size_t k = 0; k < points.size(); ++k) {
        double const x = left + dx * static_cast<double>(k) + dx / 2;
        double const c = in.steps[points[k].second].stream[r * W + carry].to_double();
        svg += text(x, top + h + 30, points[k].first, "middle");
        svg += text(x, top + h + 55, fmt::format("carry {:g}", c), "middle", c != 0 ? "font-weight=\"bold\"" : "");
    }
    return svg + "</svg>\n";
}

}  // namespace ctformer::tools
