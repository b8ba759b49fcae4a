// tools/common/json.cpp — the layout of the tools' JSON documents, and their parsing.
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
    if (auto const nul = text.find('\0'); nul != std::string::npos)
        throw json_error("byte " + std::to_string(nul + 1) + " is a NUL byte: not a JSON text");
    // Nesting is bounded before it costs memory: a report is 3 levels deep, and "[[[[…" of 64 MiB
    // would take some 76 bytes of memory per byte of input.
    auto const bounded = [](int depth, json::parse_event_t, json&) {
        if (depth > max_json_depth)
            throw json_error("nested more than " + std::to_string(max_json_depth) + " levels deep: not a ctformer document");
        return true;
    };
    try {
        return json::parse(text, bounded);
    } catch (json::exception const& e) {  // parse_error, and out_of_range for a number such as 1e309
        // "[json.exception.parse_error.101] parse error at line 1, column 1: …": drop the tag, and
        // keep the message short (it quotes the last token read, which may be megabytes long)
        std::string what = e.what();
        if (auto const end = what.find("] "); what.starts_with("[json.exception") && end != std::string::npos)
            what.erase(0, end + 2);
        if (what.size() > 240) what = what.substr(0, 200) + "… (" + std::to_string(what.size()) + " characters in all)";
        throw json_error(what);
    }
}

}  // namespace ctformer::tools
