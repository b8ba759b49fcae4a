// tools/explain.hpp — `ctformer explain`: one self-contained HTML page (no external resources: the
// pictures are data: URLs, the script and style are inline) that steps through the layers of one
// prompt with previous/next buttons, a slider and the arrow keys, showing the pictures beside the
// decoded registers and a short explanation of each instruction.
//
// The page reads its location's fragment: #step=N opens step N; #next=N presses "next" N times
// after loading (the browser test uses it to step through the page the way a reader does).
#pragma once

#include <string>
#include <string_view>

#include "plot.hpp"

namespace ctformer::tools {

/// Why a layer works, in a few sentences of HTML, by instruction (the name's first word).
std::string explanation(std::string_view name);

/// The page for the pictures and decoded steps of one prompt.
std::string explain_html(plot_set const& p);

}  // namespace ctformer::tools
