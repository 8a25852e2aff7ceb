// The counters behind group_op_counter.hpp, incremented only where the library calls the
// primitive counted (point.cpp, public_*.cpp, scalar.cpp, transcript.cpp).
#pragma once

#include "psephos/crypto/group_op_counter.hpp"

namespace psephos::crypto::detail {

GroupOpCounts& thread_group_op_counts();

}  // namespace psephos::crypto::detail
