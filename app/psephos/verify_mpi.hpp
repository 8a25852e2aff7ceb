// `psephos verify --mpi` (verify_mpi.cpp, docs/scale.md) and the report printing it shares with
// the single-process `psephos verify` (verify_command.cpp), so both print the same report.
#pragma once

#include <string>

#include "psephos/verifier/record_verifier.hpp"

namespace psephos::app {

// Prints the report as `psephos verify` does (text or --json); exit 0 only if it passed.
int print_verify_report(const std::string& dir, const verifier::VerifyReport& report, bool as_json,
                        const verifier::VerifyOptions& options, double seconds);

// Verifies the record across the ranks of the MPI job this process is part of; rank 0 prints
// the report. Built without MPI (PSEPHOS_WITH_MPI=OFF) it fails, saying so.
int run_verify_mpi(const std::string& dir, verifier::VerifyOptions options, bool as_json);

}  // namespace psephos::app
