// tools/page/explain.hpp — `ctformer explain`: one self-contained HTML page (no external resources: the
// pictures are data: URLs, the script and style are inline) that steps through the layers of one
// prompt with previous/next buttons, a slider and the arrow keys, showing the pictures beside the
// decoded registers and a short explanation of each instruction.
//
// The page reads its location's fragment: #preset=K opens prompt K, #step=N opens step N; #next=N
// presses "next" N times after loading (the browser test uses it to step through the page the way a
// reader does); #inspect=ROW,REGISTER writes what hovering that cell shows (its exact values, raw
// Q31.32 too, and the step that last wrote it) into the paragraph #inspected.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plot.hpp"

namespace ctformer::tools {

/// A prompt for the page: its label in the page's chooser and its pictures and decoded steps.
using explained_prompt = std::pair<std::string, plot_set>;

/// The page for one prompt or several (the first shown first; a chooser switches between them,
/// and the fragment #preset=K opens prompt K).
std::string explain_html(std::vector<explained_prompt> const& prompts);

/// The presets of `ctformer explain --presets`: a carry chain, a carry-out, no carry, a long prompt.
std::vector<std::pair<std::string, std::string>> const& explain_presets();

}  // namespace ctformer::tools
