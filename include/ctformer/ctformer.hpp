// ctformer/ctformer.hpp — the library: every program as a constexpr fixed-point transformer, the
// proofs, the reference path and the bounds analysis (ctformer/core.hpp is the light part: proofs and
// generation). The checker's run-time walk — its memo, heap and page tables — is a room of its own,
// which neither this header nor the proofs include: <ctformer/check/check.hpp>.
#pragma once

#include "ctformer/core.hpp"
#include "ctformer/layers/attention.hpp"
#include "ctformer/layers/compile.hpp"
#include "ctformer/layers/dense.hpp"
#include "ctformer/layers/margins.hpp"
#include "ctformer/layers/mlp.hpp"
#include "ctformer/layers/update.hpp"
#include "ctformer/model/addition.hpp"
#include "ctformer/model/subtraction.hpp"
#include "ctformer/model/multiplication.hpp"
#include "ctformer/model/instructions.hpp"
#include "ctformer/model/network.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/model/registers.hpp"
#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"
#include "ctformer/proof/all_inputs.hpp"
#include "ctformer/proof/bounds.hpp"
#include "ctformer/proof/exhaustive.hpp"
#include "ctformer/proof/positions.hpp"
#include "ctformer/model/premises.hpp"
#include "ctformer/runtime/generate.hpp"
#include "ctformer/runtime/inspect.hpp"
#include "ctformer/runtime/reference.hpp"
#include "ctformer/runtime/sequence.hpp"
#include "ctformer/tensor/matrix.hpp"
