// tools/picture.cpp — the drawing, text and PNG code behind tools/picture.hpp, and the one
// translation unit that compiles stb's implementations.
#include "picture.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/core.h>

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
#include <stb/stb_image_write.h>
#include <stb/stb_easy_font.h>

namespace ctformer::tools::picture {

std::string ascii(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        auto starts = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
        if (starts("→")) out += "->", i += std::string_view("→").size();
        else if (starts("←")) out += "<-", i += std::string_view("←").size();
        else if (starts("−")) out += "-", i += std::string_view("−").size();
        else if (starts("·")) out += ".", i += std::string_view("·").size();
        else if (starts("×")) out += "x", i += std::string_view("×").size();
        else if (starts("≤")) out += "<=", i += std::string_view("≤").size();
        else if (starts("\n")) out += "\\n", ++i;
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
        if (!vertical) fill(x + fx0 * scale, y + fy0 * scale, x + fx1 * scale, y + fy1 * scale, c);
        else fill(x + fy0 * scale, y - fx1 * scale, x + fy1 * scale, y - fx0 * scale, c);
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
    std::ofstream f(path, std::ios::binary);
    if (f) f.write(reinterpret_cast<char const*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", path));
}

std::string scale::legend() const {
    if (kind == unit) return "colour: the value on viridis, linear from 0 (dark) to 1 (yellow)";
    return fmt::format("colour: signed log scale, u = sign(v) log10(1 + |v|/{:g}) / log10(1 + {:.4g}/{:g}); blue < 0 < red, white = exactly 0, "
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

canvas render(heatmap const& h) {
    if (h.values.size() != h.rows * h.cols || h.rows == 0 || h.cols == 0)
        throw std::invalid_argument(fmt::format("heatmap '{}': {} values for {}×{}", h.title, h.values.size(), h.rows, h.cols));
    constexpr int s = 2, pad = 10;
    int const th = canvas::text_height(s);
    int cell = std::clamp(std::min(h.max_width / static_cast<int>(h.cols), h.max_height / static_cast<int>(h.rows)), 2, 36);
    int const cw = cell, ch = cell;
    int const tick_scale = cell >= 16 ? 2 : 1;
    bool const row_ticks = !h.row_axis.ticks.empty() && ch >= 8;
    bool const col_ticks = !h.col_axis.ticks.empty() && cw >= 8;

    auto widest = [](auto const& items, auto name, int scale) {
        int w = 0;
        for (auto const& it : items) w = std::max(w, canvas::text_width(name(it), scale));
        return w;
    };
    auto band_name = [](band const& b) -> std::string const& { return b.name; };
    auto tick_name = [](std::string const& t) -> std::string const& { return t; };

    int const row_title_w = h.row_axis.title.empty() ? 0 : th + 8;
    int const row_band_w = h.row_axis.bands.empty() ? 0 : widest(h.row_axis.bands, band_name, s) + 10;
    int const row_tick_w = row_ticks ? widest(h.row_axis.ticks, tick_name, tick_scale) + 6 : 0;
    int const col_title_h = h.col_axis.title.empty() ? 0 : th + 8;
    int const col_band_h = h.col_axis.bands.empty() ? 0 : widest(h.col_axis.bands, band_name, s) + 10;
    int const col_tick_w = col_ticks ? widest(h.col_axis.ticks, tick_name, tick_scale) : 0;
    bool const col_ticks_vertical = col_tick_w > cw - 2;
    int const col_tick_h = !col_ticks ? 0 : (col_ticks_vertical ? col_tick_w : canvas::text_height(tick_scale)) + 6;

    int const gx = pad + row_title_w + row_band_w + row_tick_w;
    int const gy = pad + th + 10 + col_title_h + col_band_h + col_tick_h;
    int const gw = static_cast<int>(h.cols) * cw, gh = static_cast<int>(h.rows) * ch;
    int const bar_h = std::max(std::min(gh, 400), 160), bar_x = gx + gw + 24, bar_w = 18;
    std::vector<std::string> legend{h.colours.legend()};
    if (!h.note.empty()) legend.push_back(h.note);
    int const legend_y = gy + std::max(gh, bar_h) + 16;
    int width = bar_x + bar_w + 8 + canvas::text_width("-0.000e+00", s) + pad;
    for (auto const& l : legend) width = std::max(width, pad + canvas::text_width(l, s) + pad);
    width = std::max(width, pad + canvas::text_width(h.title, s) + pad);
    int const height = legend_y + static_cast<int>(legend.size()) * (th + 8) + pad;
    canvas c(width, height);

    c.text(pad, pad, h.title, s);
    // the cells
    for (std::size_t r = 0; r < h.rows; ++r)
        for (std::size_t k = 0; k < h.cols; ++k) {
            std::size_t const i = r * h.cols + k;
            int const x = gx + static_cast<int>(k) * cw, y = gy + static_cast<int>(r) * ch;
            rgb const colour = !h.mask.empty() && h.mask[i] ? masked : h.colours.colour(h.values[i]);
            c.fill(x, y, x + cw, y + ch, colour);
        }
    // rules between bands, a frame, marked cells
    if (cell >= 4) {
        for (auto const& b : h.col_axis.bands)
            if (b.start > 0) c.fill(gx + static_cast<int>(b.start) * cw, gy, gx + static_cast<int>(b.start) * cw + 1, gy + gh, rule);
        for (auto const& b : h.row_axis.bands)
            if (b.start > 0) c.fill(gx, gy + static_cast<int>(b.start) * ch, gx + gw, gy + static_cast<int>(b.start) * ch + 1, rule);
    }
    c.outline(gx - 1, gy - 1, gx + gw + 1, gy + gh + 1, rule);
    if (!h.marked.empty())
        for (std::size_t r = 0; r < h.rows; ++r)
            for (std::size_t k = 0; k < h.cols; ++k)
                if (h.marked[r * h.cols + k]) {
                    int const x = gx + static_cast<int>(k) * cw, y = gy + static_cast<int>(r) * ch;
                    c.outline(x, y, x + cw, y + ch, ink);
                }
    // row labels: axis title (vertical), band names, ticks
    if (!h.row_axis.title.empty())
        c.text(pad, gy + gh / 2 + canvas::text_width(h.row_axis.title, s) / 2, h.row_axis.title, s, ink, true);
    for (auto const& b : h.row_axis.bands) {
        int const mid = gy + static_cast<int>(b.start) * ch + static_cast<int>(b.count) * ch / 2;
        c.text(pad + row_title_w, mid - th / 2, b.name, s);
    }
    if (row_ticks)
        for (std::size_t r = 0; r < h.rows && r < h.row_axis.ticks.size(); ++r)
            c.text(gx - 4 - canvas::text_width(h.row_axis.ticks[r], tick_scale), gy + static_cast<int>(r) * ch + (ch - canvas::text_height(tick_scale)) / 2,
                   h.row_axis.ticks[r], tick_scale);
    // column labels: axis title, band names (vertical), ticks
    int const col_top = pad + th + 10;
    if (!h.col_axis.title.empty()) c.text(gx, col_top, h.col_axis.title, s);
    for (auto const& b : h.col_axis.bands) {
        int const mid = gx + static_cast<int>(b.start) * cw + static_cast<int>(b.count) * cw / 2;
        c.text(mid - th / 2, gy - col_tick_h - 6, b.name, s, ink, true);
    }
    if (col_ticks)
        for (std::size_t k = 0; k < h.cols && k < h.col_axis.ticks.size(); ++k) {
            auto const& t = h.col_axis.ticks[k];
            int const x = gx + static_cast<int>(k) * cw;
            if (col_ticks_vertical) c.text(x + (cw - canvas::text_height(tick_scale)) / 2, gy - 4, t, tick_scale, ink, true);
            else c.text(x + (cw - canvas::text_width(t, tick_scale)) / 2, gy - 4 - canvas::text_height(tick_scale), t, tick_scale);
        }
    // the colour bar: top = the largest value, bottom = the smallest
    bool const signed_bar = h.colours.kind == scale::signed_log;
    for (int y = 0; y < bar_h; ++y) {
        double const t = 1.0 - static_cast<double>(y) / (bar_h - 1);  // 1 at the top
        double const u = signed_bar ? 2 * t - 1 : t;
        c.fill(bar_x, gy + y, bar_x + bar_w, gy + y + 1, signed_bar ? diverging(u) : viridis(u));
    }
    c.outline(bar_x - 1, gy - 1, bar_x + bar_w + 1, gy + bar_h + 1, rule);
    for (double u : signed_bar ? std::vector<double>{1, 0.5, 0, -0.5, -1} : std::vector<double>{1, 0.75, 0.5, 0.25, 0}) {
        int const y = gy + static_cast<int>(std::lround((signed_bar ? (1 - u) / 2 : 1 - u) * (bar_h - 1)));
        double const v = h.colours.value_at(u);
        std::string const label = v == 0 ? "0" : fmt::format("{:.3g}", v);
        c.fill(bar_x + bar_w, y, bar_x + bar_w + 5, y + 1, ink);
        c.text(bar_x + bar_w + 8, y - th / 2, label, s);
    }
    for (std::size_t i = 0; i < legend.size(); ++i) c.text(pad, legend_y + static_cast<int>(i) * (th + 8), legend[i], s);
    return c;
}

}  // namespace ctformer::tools::picture
