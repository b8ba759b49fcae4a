// tools/json.cpp — the layout of the tools' JSON documents, and their parsing.
#include "json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ctformer::tools {

namespace {

int height(json const& j) {
    if (!j.is_structured()) return 0;
    int h = 0;
    for (auto const& member : j) h = std::max(h, height(member));
    return h + 1;
}

std::string scalar(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void write(std::string& out, json const& j, int flat_height, std::size_t indent) {
    if (!j.is_structured() || j.empty()) {
        out += scalar(j);
        return;
    }
    bool const object = j.is_object();
    bool const flat = height(j) <= flat_height;
    out += object ? '{' : '[';
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        if (flat)
            out += first ? "" : " ";
        else
            out += '\n' + std::string(indent + 2, ' ');
        if (object) out += scalar(json(it.key())) + ": ";
        write(out, *it, flat_height, indent + 2);
        first = false;
    }
    if (!flat) out += '\n' + std::string(indent, ' ');
    out += object ? '}' : ']';
}

}  // namespace

json number(double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) return static_cast<std::int64_t>(v);
    return v;
}

std::string dump(json const& j, int flat_height) {
    std::string out;
    write(out, j, flat_height, 0);
    return out + '\n';
}

json parse(std::string const& text) {
    try {
        return json::parse(text);
    } catch (json::parse_error const& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 1: …": drop the tag
        std::string what = e.what();
        if (auto const end = what.find("] "); what.starts_with("[json.exception") && end != std::string::npos)
            what.erase(0, end + 2);
        throw json_error(what);
    }
}

}  // namespace ctformer::tools
