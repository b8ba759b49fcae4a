// tools/page/picture.hpp — heatmaps as PNG: a canvas, text (stb_easy_font), colour maps, and a labelled
// heatmap with a colour bar and a legend that says how values were scaled. PNG encoding is
// stb_image_write's with zlib's deflate (tools/page/picture.cpp holds the stb implementations).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ctformer::tools::picture {

struct rgb {
    std::uint8_t r = 255, g = 255, b = 255;
    friend bool operator==(rgb, rgb) = default;
};

inline constexpr rgb white{255, 255, 255};
inline constexpr rgb ink{40, 40, 40};
inline constexpr rgb rule{150, 150, 150};
inline constexpr rgb masked{226, 226, 226};

/// An RGB image with a few drawing primitives.
class canvas {
public:
    canvas(int width, int height)
        : w_(width), h_(height), px_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), white) {}
    int width() const { return w_; }
    int height() const { return h_; }
    rgb at(int x, int y) const { return px_[index(x, y)]; }

    void fill(int x0, int y0, int x1, int y1, rgb c) {  // [x0, x1) × [y0, y1), clipped
        x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, w_), y1 = std::min(y1, h_);
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) px_[index(x, y)] = c;
    }
    void outline(int x0, int y0, int x1, int y1, rgb c) {
        fill(x0, y0, x1, y0 + 1, c), fill(x0, y1 - 1, x1, y1, c), fill(x0, y0, x0 + 1, y1, c), fill(x1 - 1, y0, x1, y1, c);
    }

    /// ASCII text with its top-left corner at (x, y), `scale` pixels per font pixel; `vertical`
    /// turns it 90° counter-clockwise (read bottom to top, starting at (x, y) going up).
    void text(int x, int y, std::string_view s, int scale = 2, rgb c = ink, bool vertical = false);
    static int text_width(std::string_view s, int scale = 2);
    static int text_height(int scale = 2) { return 7 * scale; }

    /// The image as PNG bytes (throws std::runtime_error if encoding fails).
    std::vector<unsigned char> png() const;
    /// Writes the PNG to `path` (throws std::runtime_error naming the path if it cannot).
    void write_png(std::string const& path) const;

private:
    std::size_t index(int x, int y) const {
        return static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x);
    }
    int w_, h_;
    std::vector<rgb> px_;
};

// ------------------------------------------------------------------------------------------
// Colour maps
// ------------------------------------------------------------------------------------------

namespace detail {
template <std::size_t N>
rgb interpolate(std::array<rgb, N> const& stops, double t) {
    t = std::clamp(t, 0.0, 1.0) * static_cast<double>(N - 1);
    std::size_t const i = std::min(static_cast<std::size_t>(t), N - 2);
    double const f = t - static_cast<double>(i);
    auto mix = [&](std::uint8_t a, std::uint8_t b) { return static_cast<std::uint8_t>(std::lround(a + (b - a) * f)); };
    return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}
}  // namespace detail

/// viridis (perceptually uniform, sequential), t ∈ [0, 1]; nine stops of matplotlib's table.
inline rgb viridis(double t) {
    static constexpr std::array<rgb, 9> stops{{{68, 1, 84},
                                               {71, 44, 122},
                                               {59, 81, 139},
                                               {44, 113, 142},
                                               {33, 144, 141},
                                               {39, 173, 129},
                                               {92, 200, 99},
                                               {170, 220, 50},
                                               {253, 231, 37}}};
    return detail::interpolate(stops, t);
}

/// A diverging map for signed values, u ∈ [−1, 1]: blue below 0, white at 0, red above (the stops
/// of ColorBrewer's RdBu, reversed).
inline rgb diverging(double u) {
    static constexpr std::array<rgb, 11> stops{{{5, 48, 97},
                                                {33, 102, 172},
                                                {67, 147, 195},
                                                {146, 197, 222},
                                                {209, 229, 240},
                                                {255, 255, 255},
                                                {253, 219, 199},
                                                {244, 165, 130},
                                                {214, 96, 77},
                                                {178, 24, 43},
                                                {103, 0, 31}}};
    return detail::interpolate(stops, (u + 1) / 2);
}

// ------------------------------------------------------------------------------------------
// Value scales
// ------------------------------------------------------------------------------------------

/// How values become colours. `signed_log`: u = sign(v)·log10(1 + |v|/t) / log10(1 + M/t), linear
/// for |v| ≲ t and logarithmic above, so that entries of 0.01 and of 10^4 in one matrix both show.
/// `signed_linear`: u = v / M, so that 0.5, 0.7 and 1 are three colours (a register's values). On
/// both, every nonzero value gets at least |u| = 0.08, so nothing nonzero looks like zero. `unit`:
/// v ∈ [0, 1] linear on viridis (softmax weights).
struct scale {
    enum kind_t { signed_log, unit, signed_linear } kind = signed_log;
    double largest = 1;  ///< M: the largest |v| the scale covers
    double linear = 0.01;  ///< t

    static scale covering(std::vector<double> const& values, double linear = 0.01) {
        double m = 0;
        for (double v : values) m = std::max(m, std::fabs(v));
        return scale{signed_log, m > 0 ? m : 1, linear};
    }
    double position(double v) const {  // u ∈ [−1, 1] (signed_log, signed_linear) or [0, 1] (unit)
        if (kind == unit) return std::clamp(v, 0.0, 1.0);
        if (v == 0) return 0;
        double u = kind == signed_linear ? std::fabs(v) / largest
                                         : std::log10(1 + std::fabs(v) / linear) / std::log10(1 + largest / linear);
        u = std::clamp(std::max(u, 0.08), 0.0, 1.0);
        return v < 0 ? -u : u;
    }
    double value_at(double u) const {  // the inverse of position, for the colour bar's ticks
        if (kind == unit) return u;
        if (kind == signed_linear) return u * largest;
        double const a = linear * (std::pow(10.0, std::fabs(u) * std::log10(1 + largest / linear)) - 1);
        return u < 0 ? -a : a;
    }
    rgb colour(double v) const { return kind == unit ? viridis(position(v)) : diverging(position(v)); }
    std::string legend() const;
};

// ------------------------------------------------------------------------------------------
// Heatmaps
// ------------------------------------------------------------------------------------------

/// A labelled span of an axis (a register's columns, say).
struct band {
    std::size_t start = 0, count = 0;
    std::string name;
};

struct axis {
    std::string title;
    std::vector<band> bands;  ///< drawn as names beside the grid and rules between bands
    std::vector<std::string> ticks;  ///< one short label per index (may be empty)
};

struct heatmap {
    std::string title;
    std::size_t rows = 0, cols = 0;
    std::vector<double> values;  ///< row-major, rows × cols
    std::vector<bool> mask;  ///< optional: true = not a value (e.g. a causal mask), drawn grey
    std::vector<bool> marked;  ///< optional: cells outlined (e.g. changed by this layer)
    std::vector<bool> faded_rows;  ///< optional, one per row: drawn under a grey veil (rows nothing reads)
    axis row_axis, col_axis;
    scale colours;
    /// Optional, one per column band (col_axis.bands): each band on a scale of its own (a
    /// register's values, so that its 0.5 and its 1 differ); the colour bar then shows the fraction
    /// of each band's largest |value|, and the bands' names say their largest.
    std::vector<scale> band_scales;
    std::string note;  ///< one more legend line
    int max_width = 1600;  ///< the grid's target size in pixels: cells shrink to fit it, but not
    int max_height = 1000;  ///< below the size their labels need (every label is 14 px high)
};

/// Draws the heatmap with its labels, colour bar and legend.
canvas render(heatmap const& h);

/// Base64 (for data: URLs).
std::string base64(std::vector<unsigned char> const& bytes);

/// Text the font can draw: non-ASCII arrows and signs spelt in ASCII.
std::string ascii(std::string_view s);

}  // namespace ctformer::tools::picture
