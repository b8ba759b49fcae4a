// tools/page/trace.cpp — a trace printed as a table or as JSON.
#include "trace.hpp"

#include <algorithm>

#include "common/json.hpp"

namespace ctformer::tools {

namespace {

void print_layer(std::size_t step, traced_layer const& l, std::size_t name_w) {
    fmt::print("  {:>4}  {:<{}}", step, l.name, name_w);
    for (auto const& v : l.values) fmt::print(" {:>9}", v);
    std::string tail;
    for (auto const& c : l.changed) tail += (tail.empty() ? "" : ",") + c;
    if (!l.attention.empty()) tail += "  ← " + l.attention;
    fmt::print("  {}\n", tail);
}

json layer_json(traced_layer const& l, std::vector<named_slot> const& regs) {
    json words = json::object(), values = json::object();
    for (std::size_t r = 0; r < regs.size(); ++r) {
        words[regs[r].name] = l.values[r];
        json& v = values[regs[r].name] = json::array();
        for (double x : l.raw[r]) v.push_back(number(x));
    }
    return {{"layer", l.name},
            {"registers", std::move(words)},
            {"values", std::move(values)},
            {"changed", l.changed},
            {"attention", l.attention}};
}

}  // namespace

void print_trace(trace_result const& t) {
    std::size_t name_w = 5;
    for (auto const& tok : t.tokens)
        for (auto const& l : tok.layers) name_w = std::max(name_w, l.name.size());
    for (auto const& tok : t.tokens) {
        fmt::print("row {} — the token it produces: '{}'\n", tok.row, token_text(tok.produced));
        fmt::print("  {:>4}  {:<{}}", "step", "layer", name_w);
        for (auto const& r : t.registers) fmt::print(" {:>9}", r.name);
        fmt::print("  changed / attended\n");
        for (std::size_t k = 0; k < tok.layers.size(); ++k) print_layer(k + 1, tok.layers[k], name_w);  // step k + 1 runs layer k
        fmt::print("\n");
    }
    fmt::print(
        "@p: a cursor at position p (sin/cos of 2π·p/100); a digit: the one-hot digit a register holds;\n"
        "d(0.870): a blend, its largest entry; ·: empty.\n");
}

std::string trace_json(trace_result const& t) {
    json regs = json::array();
    for (auto const& r : t.registers) regs.push_back({{"name", r.name}, {"offset", r.at.offset}, {"width", r.at.width}});
    json tokens = json::array();
    for (auto const& tok : t.tokens) {
        json layers = json::array();
        for (auto const& l : tok.layers) layers.push_back(layer_json(l, t.registers));
        tokens.push_back({{"row", tok.row}, {"produced", std::string(1, tok.produced)}, {"layers", std::move(layers)}});
    }
    // a line for each layer's name, its registers in words, their values, what changed
    return dump(json{{"registers", std::move(regs)}, {"tokens", std::move(tokens)}}, 2);
}

}  // namespace ctformer::tools
