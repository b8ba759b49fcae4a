// tools/page/picture.cpp — the drawing, text and PNG code behind tools/page/picture.hpp, and the one
// translation unit that compiles stb's implementations.
#include "picture.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <fmt/core.h>

#include "common/io.hpp"

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
    // The pictures are cells of one colour: with every line filtered by "up" (each line the
    // difference from the one above, zero inside a cell), zlib compresses them nearly as well as stb's
    // per-line choice of the five filters does, which tries each filter on every line and was most
    // of the tools' drawing time; the files are about 8% larger (docs/benchmarks.md).
    stbi_write_force_png_filter = 2;
    stbi_write_png_compression_level = 6;
    std::vector<unsigned char> raw(px_.size() * 3);
    for (std::size_t i = 0; i < px_.size(); ++i) {
        raw[3 * i] = px_[i].r;
        raw[3 * i + 1] = px_[i].g;
        raw[3 * i + 2] = px_[i].b;
    }
    std::vector<unsigned char> bytes;
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
    if (kind == signed_linear)
        return fmt::format("colour: linear, u = v / {:.4g}; blue < 0 < red, white = exactly 0, any nonzero value at least |u| = 0.08",
                           largest);
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
/// Every label is drawn at scale 2 (14 px high); cells grow until their labels fit.
struct frame {
    static constexpr int s = 2, pad = 10;  ///< text scale, margin
    static constexpr int line = 16;  ///< the room one label needs across it: 14 px and a gap
    static constexpr int min_legend_width = 640;  ///< the legend wraps at the picture's width, but not narrower
    int th = canvas::text_height(s);
    int cw = 0, ch = 0, tick_scale = s;
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

std::string const& tick_name(std::string const& t) { return t; }

/// A band's label: its name, and with a scale of its own, the largest |value| that scale covers.
std::string band_label(heatmap const& h, std::size_t i) {
    auto const& b = h.col_axis.bands[i];
    return h.band_scales.empty() ? b.name : fmt::format("{} max {:.3g}", b.name, h.band_scales[i].largest);
}

/// The cell size along one axis: `fit` (the grid's share of the target size), grown so that a
/// tick label fits each cell and each band's name fits the band.
int cell_size(int fit, axis const& a) {
    int c = fit;
    std::size_t gap = a.ticks.size(), last = a.ticks.size();  // the fewest cells between two labelled ticks
    for (std::size_t i = 0; i < a.ticks.size(); ++i)
        if (!a.ticks[i].empty()) {
            if (last < a.ticks.size()) gap = std::min(gap, i - last);
            last = i;
        }
    if (last < a.ticks.size()) c = std::max(c, (frame::line + static_cast<int>(gap) - 1) / static_cast<int>(gap));
    for (auto const& b : a.bands)
        if (!b.name.empty() && b.count > 0) c = std::max(c, (frame::line + static_cast<int>(b.count) - 1) / static_cast<int>(b.count));
    return c;
}

/// `text` broken into lines of at most `width` pixels, at spaces.
std::vector<std::string> wrap(std::string const& text, int width) {
    std::vector<std::string> lines{""};
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t const space = text.find(' ', i);
        std::string const word = text.substr(i, space == std::string::npos ? std::string::npos : space - i);
        std::string const joined = lines.back().empty() ? word : lines.back() + " " + word;
        if (!lines.back().empty() && canvas::text_width(joined, frame::s) > width)
            lines.push_back(word);
        else
            lines.back() = joined;
        if (space == std::string::npos) break;
        i = space + 1;
    }
    return lines;
}

frame measure(heatmap const& h) {
    frame f;
    int const s = frame::s, cols = static_cast<int>(h.cols), rows = static_cast<int>(h.rows);
    int const fit = std::clamp(std::min(h.max_width / cols, h.max_height / rows), 2, 36);
    // a narrow matrix (a layer with two hidden units, the unembedding's 14 columns) gets wider
    // cells, up to 64 px, so that it is not a sliver beside its legend
    f.cw = cell_size(std::max(fit, std::min(64, 320 / cols)), h.col_axis);
    f.ch = cell_size(std::max(fit, std::min(64, 160 / rows)), h.row_axis);
    f.row_ticks = !h.row_axis.ticks.empty();
    f.col_ticks = !h.col_axis.ticks.empty();
    f.row_title_w = h.row_axis.title.empty() ? 0 : f.th + 8;
    f.row_band_w = h.row_axis.bands.empty() ? 0 : widest(h.row_axis.bands, [](band const& b) { return b.name; }, s) + 10;
    int const row_tick_w = f.row_ticks ? widest(h.row_axis.ticks, tick_name, f.tick_scale) + 6 : 0;
    int const col_title_h = h.col_axis.title.empty() ? 0 : f.th + 8;
    int col_band_h = 0;
    for (std::size_t i = 0; i < h.col_axis.bands.size(); ++i)
        col_band_h = std::max(col_band_h, canvas::text_width(band_label(h, i), s) + 10);
    int const col_tick_w = f.col_ticks ? widest(h.col_axis.ticks, tick_name, f.tick_scale) : 0;
    f.col_ticks_vertical = col_tick_w > f.cw - 2;
    f.col_tick_h = !f.col_ticks ? 0 : (f.col_ticks_vertical ? col_tick_w : canvas::text_height(f.tick_scale)) + 6;
    f.gx = frame::pad + f.row_title_w + f.row_band_w + row_tick_w;
    f.gy = frame::pad + f.th + 10 + col_title_h + col_band_h + f.col_tick_h;
    f.gw = static_cast<int>(h.cols) * f.cw, f.gh = static_cast<int>(h.rows) * f.ch;
    f.bar_h = std::max(std::min(f.gh, 400), 160), f.bar_x = f.gx + f.gw + 24;
    f.legend_y = f.gy + std::max(f.gh, f.bar_h) + 16;
    f.width = f.bar_x + f.bar_w + 8 + canvas::text_width("-0.000e+00", s) + frame::pad;
    f.width = std::max({f.width, frame::min_legend_width, frame::pad + canvas::text_width(h.title, s) + frame::pad});
    std::vector<std::string> legend{
        h.band_scales.empty()
            ? h.colours.legend()
            : "colour: each register on a linear scale of its own, u = v / (the register's largest |v|, after its name); "
              "blue < 0 < red, white = exactly 0, any nonzero value at least |u| = 0.08"};
    if (!h.note.empty()) legend.push_back(h.note);
    for (auto const& l : legend)
        for (auto& line : wrap(l, f.width - 2 * frame::pad)) f.legend.push_back(std::move(line));
    f.height = f.legend_y + static_cast<int>(f.legend.size()) * (f.th + 8) + frame::pad;
    return f;
}

/// The cells, the rules between bands, a frame around them and the marked cells' outlines.
void draw_grid(canvas& c, heatmap const& h, frame const& f) {
    std::vector<scale const*> column_scale(h.cols, &h.colours);
    for (std::size_t b = 0; b < h.band_scales.size() && b < h.col_axis.bands.size(); ++b)
        for (std::size_t k = h.col_axis.bands[b].start; k < h.col_axis.bands[b].start + h.col_axis.bands[b].count && k < h.cols; ++k)
            column_scale[k] = &h.band_scales[b];
    for (std::size_t r = 0; r < h.rows; ++r)
        for (std::size_t k = 0; k < h.cols; ++k) {
            std::size_t const i = r * h.cols + k;
            int const x = f.gx + static_cast<int>(k) * f.cw, y = f.gy + static_cast<int>(r) * f.ch;
            rgb colour = !h.mask.empty() && h.mask[i] ? masked : column_scale[k]->colour(h.values[i]);
            if (r < h.faded_rows.size() && h.faded_rows[r]) {  // the page's veil: #bbb at 55 % over the cell
                auto veil = [](unsigned char v) { return static_cast<unsigned char>((45 * v + 55 * 187 + 50) / 100); };
                colour = rgb{veil(colour.r), veil(colour.g), veil(colour.b)};
            }
            c.fill(x, y, x + f.cw, y + f.ch, colour);
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
                rgb const cell = c.at(x + f.cw / 2, y + f.ch / 2);
                bool const dark = 299 * cell.r + 587 * cell.g + 114 * cell.b < 128 * 1000;  // ITU-R 601 luma
                c.outline(x, y, x + f.cw, y + f.ch, dark ? rgb{255, 215, 0} : ink);  // gold on dark cells
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
void draw_col_labels(canvas& c, heatmap const& h, frame const& f) {
    axis const& a = h.col_axis;
    std::size_t const cols = h.cols;
    if (!a.title.empty()) c.text(f.gx, frame::pad + f.th + 10, a.title, frame::s);
    for (std::size_t i = 0; i < a.bands.size(); ++i) {
        auto const& b = a.bands[i];
        int const mid = f.gx + static_cast<int>(b.start) * f.cw + static_cast<int>(b.count) * f.cw / 2;
        c.text(mid - f.th / 2, f.gy - f.col_tick_h - 6, band_label(h, i), frame::s, ink, true);
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
    bool const signed_bar = colours.kind != scale::unit;
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
    draw_col_labels(c, h, f);
    // with a scale per band, the bar shows the fraction of each band's largest |value|
    draw_colour_bar(c, h.band_scales.empty() ? h.colours : scale{scale::signed_linear, 1, 0}, f);
    for (std::size_t i = 0; i < f.legend.size(); ++i)
        c.text(frame::pad, f.legend_y + static_cast<int>(i) * (f.th + 8), f.legend[i], frame::s);
    return c;
}

}  // namespace ctformer::tools::picture
