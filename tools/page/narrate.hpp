// tools/page/narrate.hpp — what each step of the walkthrough did to the rows generation reads (from '='
// on), in words made from that step's values for that prompt: "rows 9–14: 9 (row 2) + 1 (row 7) +
// carry 1 = 11 → out 1, carry stays 1".
#pragma once

#include <string>
#include <vector>

#include "plot.hpp"

namespace ctformer::tools {

/// One sentence per step of p (step 0, the embedding, included), plain text.
std::vector<std::string> narrate(plot_set const& p);

}  // namespace ctformer::tools
