#pragma once
// Small replicated key/value stores that prove the simulation stack (see README.md).
#include "distlab/sim/model.hpp"

namespace distlab::models::kv {

sim::ModelInstance build_single(sim::Options& o);
sim::ModelInstance build_primary_backup(sim::Options& o, bool backup_reads);
// Reads the [model] table (variant = "single" | "primary-backup" | "backup-reads").
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::kv
