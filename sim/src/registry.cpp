#include "distlab/sim/model.hpp"

namespace distlab::sim {

void Registry::add(ModelFactory f) {
  const std::string name = f.name;
  factories_.insert_or_assign(name, std::move(f));
}

const ModelFactory* Registry::find(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : &it->second;
}

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace distlab::sim
