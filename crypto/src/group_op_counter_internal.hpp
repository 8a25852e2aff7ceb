// The counters behind group_op_counter.hpp, incremented by point.cpp only.
#pragma once

#include "psephos/crypto/group_op_counter.hpp"

namespace psephos::crypto::detail {

GroupOpCounts& thread_group_op_counts();

}  // namespace psephos::crypto::detail
