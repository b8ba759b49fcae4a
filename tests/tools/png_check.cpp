// png_check — is a PNG a real picture? Reads each file with stb_image and fails (exit 1) when it
// cannot be read, is smaller than --min-size, is (nearly) blank — fewer than --min-colours distinct
// colours or less than --min-ink of its pixels differ from the most common colour — or, with
// --differ, when two files hold the same pixels.
//
//   png_check [--min-size WxH] [--min-colours N] [--min-ink F] [--differ] FILE...
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

namespace {
struct image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
};
}  // namespace

int main(int argc, char** argv) {
    int min_w = 16, min_h = 16;
    std::size_t min_colours = 4;
    double min_ink = 0.01;
    bool differ = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "png_check: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--min-size") {
            if (std::sscanf(value().c_str(), "%dx%d", &min_w, &min_h) != 2)
                return std::fprintf(stderr, "png_check: --min-size WxH\n"), 2;
        } else if (a == "--min-colours")
            min_colours = std::strtoul(value().c_str(), nullptr, 10);
        else if (a == "--min-ink")
            min_ink = std::strtod(value().c_str(), nullptr);
        else if (a == "--differ")
            differ = true;
        else
            files.push_back(a);
    }
    if (files.empty()) return std::fprintf(stderr, "png_check: no files\n"), 2;
    int failures = 0;
    std::vector<image> images;
    for (auto const& f : files) {
        image im;
        int n = 0;
        unsigned char* data = stbi_load(f.c_str(), &im.w, &im.h, &n, 3);
        if (!data) {
            std::printf("FAIL %s: cannot read it as PNG (%s)\n", f.c_str(), stbi_failure_reason());
            ++failures;
            continue;
        }
        im.rgb.assign(data, data + static_cast<std::size_t>(im.w) * static_cast<std::size_t>(im.h) * 3);
        stbi_image_free(data);
        std::map<unsigned, std::size_t> colours;
        for (std::size_t p = 0; p < im.rgb.size(); p += 3)
            ++colours[(unsigned{im.rgb[p]} << 16) | (unsigned{im.rgb[p + 1]} << 8) | im.rgb[p + 2]];
        std::size_t common = 0;
        for (auto const& [c, k] : colours) common = std::max(common, k);
        double const pixels = static_cast<double>(im.rgb.size() / 3);
        double const ink = 1.0 - static_cast<double>(common) / pixels;
        bool const ok = im.w >= min_w && im.h >= min_h && colours.size() >= min_colours && ink >= min_ink;
        std::printf("%s %s: %dx%d, %zu colours, %.1f%% not background\n", ok ? "ok  " : "FAIL", f.c_str(), im.w, im.h,
                    colours.size(), 100 * ink);
        failures += !ok;
        images.push_back(std::move(im));
    }
    if (differ)
        for (std::size_t i = 1; i < images.size(); ++i)
            if (images[i].w == images[0].w && images[i].h == images[0].h && images[i].rgb == images[0].rgb) {
                std::printf("FAIL %s shows the same pixels as %s\n", files[i].c_str(), files[0].c_str());
                ++failures;
            }
    return failures == 0 ? 0 : 1;
}
