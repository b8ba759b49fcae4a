// tools/page/dataflow.hpp — two generated SVG diagrams of the network for one prompt: the register
// layout with what each instruction reads and writes (dataflow.svg), and the cursors and the carry
// of the '=' row pass by pass (timeline.svg). `ctformer plot` writes them beside the heatmaps.
#pragma once

#include <string>

#include "plot.hpp"

namespace ctformer::tools {

/// The 80 columns as labelled boxes grouped by register, and one lane per distinct instruction:
/// the columns it reads from its own row (blue), those attention reads from other rows (green:
/// only token and pos), the columns it writes (red), and an arrow from what it reads to what it writes.
std::string dataflow_svg(plot_input const& in);

/// left_pos, right_pos and out_pos (as positions) and the carry of the '=' row after each segment:
/// the prologue, each body pass, the epilogue.
std::string timeline_svg(plot_input const& in);

}  // namespace ctformer::tools
