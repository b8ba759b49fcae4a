// tools/picture.cpp — the drawing, text and PNG code behind tools/picture.hpp, and the one
// translation unit that compiles stb's implementations.
#include "picture.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <fmt/core.h>

#include "io.hpp"

#include <zlib.h>

namespace {
/// stb's own deflate searches long hash chains and spends seconds on the large uniform areas of a
/// heatmap; zlib's takes milliseconds. The buffer is released with STBIW_FREE (free).
unsigned char* zlib_deflate(unsigned char* data, int length, int* out_length, int quality) {
    uLongf size = compressBound(static_cast<uLong>(length));
    auto* out = static_cast<unsigned char*>(std::malloc(size));
    if (!out) return nullptr;
    if (compress2(out, &size, data, static_cast<uLong>(length), std::clamp(quality, 1, 9)) != Z_OK) {
        std::free(out);
        return nullptr;
    }
    *out_length = static_cast<int>(size);
    return out;
}
}  // namespace

#define STBIW_ZLIB_COMPRESS zlib_deflate
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>

namespace ctformer::tools::picture {

std::string ascii(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        auto starts = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
        if (starts("→"))
            out += "->", i += std::string_view("→").size();
        else if (starts("←"))
            out += "<-", i += std::string_view("←").size();
        else if (starts("−"))
            out += "-", i += std::string_view("−").size();
        else if (starts("·"))
            out += ".", i += std::string_view("·").size();
        else if (starts("×"))
            out += "x", i += std::string_view("×").size();
        else if (starts("≤"))
            out += "<=", i += std::string_view("≤").size();
        else if (starts("\n"))
            out += "\\n", ++i;
        else {
            auto const c = static_cast<unsigned char>(s[i]);
            out += c >= 32 && c < 127 ? static_cast<char>(c) : '?';  // the font has glyphs for 32..126 only
            ++i;
        }
    }
    return out;
}

int canvas::text_width(std::string_view s, int scale) {
    std::string t = ascii(s);
    return stb_easy_font_width(t.data()) * scale;
}

void canvas::text(int x, int y, std::string_view s, int scale, rgb c, bool vertical) {
    std::string t = ascii(s);
    if (t.empty()) return;
    std::vector<float> buffer(t.size() * 64 * 4);  // ≤ 64 bytes per segment quad, ≤ 16 segments per glyph
    unsigned char colour[4] = {c.r, c.g, c.b, 255};
    int const quads = stb_easy_font_print(0, 0, t.data(), colour, buffer.data(), static_cast<int>(buffer.size() * sizeof(float)));
    for (int q = 0; q < quads; ++q) {
        float const* v = buffer.data() + static_cast<std::size_t>(q) * 16;  // 4 vertices × (x, y, z, colour)
        int const fx0 = static_cast<int>(v[0]), fy0 = static_cast<int>(v[1]);
        int const fx1 = static_cast<int>(v[8]), fy1 = static_cast<int>(v[9]);
        if (!vertical)
            fill(x + fx0 * scale, y + fy0 * scale, x + fx1 * scale, y + fy1 * scale, c);
        else
            fill(x + fy0 * scale, y - fx1 * scale, x + fy1 * scale, y - fx0 * scale, c);
    }
}

std::vector<unsigned char> canvas::png() const {
    std::vector<unsigned char> bytes;
    std::vector<unsigned char> raw;
    raw.reserve(px_.size() * 3);
    for (auto p : px_) raw.insert(raw.end(), {p.r, p.g, p.b});
    auto sink = [](void* context, void* data, int size) {
        auto* out = static_cast<std::vector<unsigned char>*>(context);
        auto const* d = static_cast<unsigned char const*>(data);
        out->insert(out->end(), d, d + size);
    };
    if (stbi_write_png_to_func(sink, &bytes, w_, h_, 3, raw.data(), w_ * 3) == 0)
        throw std::runtime_error(fmt::format("cannot encode a {}×{} PNG", w_, h_));
    return bytes;
}

void canvas::write_png(std::string const& path) const {
    auto const bytes = png();
    write_file_atomically(path, {reinterpret_cast<char const*>(bytes.data()), bytes.size()});
}

std::string scale::legend() const {
    if (kind == unit) return "colour: the value on viridis, linear from 0 (dark) to 1 (yellow)";
    return fmt::format(
        "colour: signed log scale, u = sign(v) log10(1 + |v|/{:g}) / log10(1 + {:.4g}/{:g}); blue < 0 < red, white = exactly 0, "
        "any nonzero value at least |u| = 0.08",
        linear, largest, linear);
}

std::string base64(std::vector<unsigned char> const& bytes) {
    static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t n = static_cast<std::uint32_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) n |= bytes[i + 2];
        out += digits[(n >> 18) & 63];
        out += digits[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? digits[n & 63] : '=';
    }
    return out;
}

namespace {

/// Where render() puts things: the sizes of the labels, the grid's corner and cells, the colour bar.
struct frame {
    static constexpr int s = 2, pad = 10;  ///< text scale, margin
    int th = canvas::text_height(s);
    int cw = 0, ch = 0, tick_scale = 1;
    bool row_ticks = false, col_ticks = false, col_ticks_vertical = false;
    int row_title_w = 0, row_band_w = 0, col_tick_h = 0;
    int gx = 0, gy = 0, gw = 0, gh = 0;  ///< the grid
    int bar_x = 0, bar_w = 18, bar_h = 0;  ///< the colour bar
    std::vector<std::string> legend;
    int legend_y = 0, width = 0, height = 0;
};

template <class Items, class Name>
int widest(Items const& items, Name name, int scale) {
    int w = 0;
    for (auto const& it : items) w = std::max(w, canvas::text_width(name(it), scale));
    return w;
}

std::string const& band_name(band const& b) { return b.name; }
std::string const& tick_name(std::string const& t) { return t; }

frame measure(heatmap const& h) {
    frame f;
    int const s = frame::s,
              cell = std::clamp(std::min(h.max_width / static_cast<int>(h.cols), h.max_height / static_cast<int>(h.rows)), 2, 36);
    f.cw = f.ch = cell;
    f.tick_scale = cell >= 16 ? 2 : 1;
    f.row_ticks = !h.row_axis.ticks.empty() && f.ch >= 8;
    f.col_ticks = !h.col_axis.ticks.empty() && f.cw >= 8;
    f.row_title_w = h.row_axis.title.empty() ? 0 : f.th + 8;
    f.row_band_w = h.row_axis.bands.empty() ? 0 : widest(h.row_axis.bands, band_name, s) + 10;
    int const row_tick_w = f.row_ticks ? widest(h.row_axis.ticks, tick_name, f.tick_scale) + 6 : 0;
    int const col_title_h = h.col_axis.title.empty() ? 0 : f.th + 8;
    int const col_band_h = h.col_axis.bands.empty() ? 0 : widest(h.col_axis.bands, band_name, s) + 10;
    int const col_tick_w = f.col_ticks ? widest(h.col_axis.ticks, tick_name, f.tick_scale) : 0;
    f.col_ticks_vertical = col_tick_w > f.cw - 2;
    f.col_tick_h = !f.col_ticks ? 0 : (f.col_ticks_vertical ? col_tick_w : canvas::text_height(f.tick_scale)) + 6;
    f.gx = frame::pad + f.row_title_w + f.row_band_w + row_tick_w;
    f.gy = frame::pad + f.th + 10 + col_title_h + col_band_h + f.col_tick_h;
    f.gw = static_cast<int>(h.cols) * f.cw, f.gh = static_cast<int>(h.rows) * f.ch;
    f.bar_h = std::max(std::min(f.gh, 400), 160), f.bar_x = f.gx + f.gw + 24;
    f.legend = {h.colours.legend()};
    if (!h.note.empty()) f.legend.push_back(h.note);
    f.legend_y = f.gy + std::max(f.gh, f.bar_h) + 16;
    f.width = f.bar_x + f.bar_w + 8 + canvas::text_width("-0.000e+00", s) + frame::pad;
    for (auto const& l : f.legend) f.width = std::max(f.width, frame::pad + canvas::text_width(l, s) + frame::pad);
    f.width = std::max(f.width, frame::pad + canvas::text_width(h.title, s) + frame::pad);
    f.height = f.legend_y + static_cast<int>(f.legend.size()) * (f.th + 8) + frame::pad;
    return f;
}

/// The cells, the rules between bands, a frame around them and the marked cells' outlines.
void draw_grid(canvas& c, heatmap const& h, frame const& f) {
    for (std::size_t r = 0; r < h.rows; ++r)
        for (std::size_t k = 0; k < h.cols; ++k) {
            std::size_t const i = r * h.cols + k;
            int const x = f.gx + static_cast<int>(k) * f.cw, y = f.gy + static_cast<int>(r) * f.ch;
            c.fill(x, y, x + f.cw, y + f.ch, !h.mask.empty() && h.mask[i] ? masked : h.colours.colour(h.values[i]));
        }
    if (f.cw >= 4) {
        for (auto const& b : h.col_axis.bands)
            if (b.start > 0)
                c.fill(f.gx + static_cast<int>(b.start) * f.cw, f.gy, f.gx + static_cast<int>(b.start) * f.cw + 1, f.gy + f.gh,
                       rule);
        for (auto const& b : h.row_axis.bands)
            if (b.start > 0)
                c.fill(f.gx, f.gy + static_cast<int>(b.start) * f.ch, f.gx + f.gw, f.gy + static_cast<int>(b.start) * f.ch + 1,
                       rule);
    }
    c.outline(f.gx - 1, f.gy - 1, f.gx + f.gw + 1, f.gy + f.gh + 1, rule);
    if (h.marked.empty()) return;
    for (std::size_t r = 0; r < h.rows; ++r)
        for (std::size_t k = 0; k < h.cols; ++k)
            if (h.marked[r * h.cols + k]) {
                int const x = f.gx + static_cast<int>(k) * f.cw, y = f.gy + static_cast<int>(r) * f.ch;
                c.outline(x, y, x + f.cw, y + f.ch, ink);
            }
}

/// Row labels: the axis title (vertical), band names, ticks.
void draw_row_labels(canvas& c, axis const& a, frame const& f, std::size_t rows) {
    if (!a.title.empty())
        c.text(frame::pad, f.gy + f.gh / 2 + canvas::text_width(a.title, frame::s) / 2, a.title, frame::s, ink, true);
    for (auto const& b : a.bands) {
        int const mid = f.gy + static_cast<int>(b.start) * f.ch + static_cast<int>(b.count) * f.ch / 2;
        c.text(frame::pad + f.row_title_w, mid - f.th / 2, b.name, frame::s);
    }
    if (!f.row_ticks) return;
    for (std::size_t r = 0; r < rows && r < a.ticks.size(); ++r)
        c.text(f.gx - 4 - canvas::text_width(a.ticks[r], f.tick_scale),
               f.gy + static_cast<int>(r) * f.ch + (f.ch - canvas::text_height(f.tick_scale)) / 2, a.ticks[r], f.tick_scale);
}

/// Column labels: the axis title, band names (vertical), ticks.
void draw_col_labels(canvas& c, axis const& a, frame const& f, std::size_t cols) {
    if (!a.title.empty()) c.text(f.gx, frame::pad + f.th + 10, a.title, frame::s);
    for (auto const& b : a.bands) {
        int const mid = f.gx + static_cast<int>(b.start) * f.cw + static_cast<int>(b.count) * f.cw / 2;
        c.text(mid - f.th / 2, f.gy - f.col_tick_h - 6, b.name, frame::s, ink, true);
    }
    if (!f.col_ticks) return;
    for (std::size_t k = 0; k < cols && k < a.ticks.size(); ++k) {
        auto const& t = a.ticks[k];
        int const x = f.gx + static_cast<int>(k) * f.cw;
        if (f.col_ticks_vertical)
            c.text(x + (f.cw - canvas::text_height(f.tick_scale)) / 2, f.gy - 4, t, f.tick_scale, ink, true);
        else
            c.text(x + (f.cw - canvas::text_width(t, f.tick_scale)) / 2, f.gy - 4 - canvas::text_height(f.tick_scale), t,
                   f.tick_scale);
    }
}

/// The colour bar: top = the largest value, bottom = the smallest, with five labelled ticks.
void draw_colour_bar(canvas& c, scale const& colours, frame const& f) {
    bool const signed_bar = colours.kind == scale::signed_log;
    for (int y = 0; y < f.bar_h; ++y) {
        double const t = 1.0 - static_cast<double>(y) / (f.bar_h - 1);  // 1 at the top
        double const u = signed_bar ? 2 * t - 1 : t;
        c.fill(f.bar_x, f.gy + y, f.bar_x + f.bar_w, f.gy + y + 1, signed_bar ? diverging(u) : viridis(u));
    }
    c.outline(f.bar_x - 1, f.gy - 1, f.bar_x + f.bar_w + 1, f.gy + f.bar_h + 1, rule);
    for (double u : signed_bar ? std::vector<double>{1, 0.5, 0, -0.5, -1} : std::vector<double>{1, 0.75, 0.5, 0.25, 0}) {
        int const y = f.gy + static_cast<int>(std::lround((signed_bar ? (1 - u) / 2 : 1 - u) * (f.bar_h - 1)));
        double const v = colours.value_at(u);
        c.fill(f.bar_x + f.bar_w, y, f.bar_x + f.bar_w + 5, y + 1, ink);
        c.text(f.bar_x + f.bar_w + 8, y - f.th / 2, v == 0 ? "0" : fmt::format("{:.3g}", v), frame::s);
    }
}

}  // namespace

canvas render(heatmap const& h) {
    if (h.values.size() != h.rows * h.cols || h.rows == 0 || h.cols == 0)
        throw std::invalid_argument(fmt::format("heatmap '{}': {} values for {}×{}", h.title, h.values.size(), h.rows, h.cols));
    frame const f = measure(h);
    canvas c(f.width, f.height);
    c.text(frame::pad, frame::pad, h.title, frame::s);
    draw_grid(c, h, f);
    draw_row_labels(c, h.row_axis, f, h.rows);
    draw_col_labels(c, h.col_axis, f, h.cols);
    draw_colour_bar(c, h.colours, f);
    for (std::size_t i = 0; i < f.legend.size(); ++i)
        c.text(frame::pad, f.legend_y + static_cast<int>(i) * (f.th + 8), f.legend[i], frame::s);
    return c;
}

}  // namespace ctformer::tools::picture
