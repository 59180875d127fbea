#include "plugins.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace distlab::cli {

void load_plugin(const std::string& path, sim::Registry& registry) {
  // dlopen searches the library path for names without a slash; a user means the file.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    throw sim::ConfigError(
        sim::SourcePos{path, 0, 0}, "--plugin",
        std::string("cannot load the library: ") + (err ? err : "unknown error"));
  }
  using RegisterFn = void (*)(sim::Registry&);
  auto fn = reinterpret_cast<RegisterFn>(dlsym(handle, "distlab_register_models"));
  if (!fn)
    throw sim::ConfigError(sim::SourcePos{path, 0, 0}, "--plugin",
                           "the library has no function extern \"C\" void "
                           "distlab_register_models(distlab::sim::Registry&)");
  fn(registry);  // the handle stays open for the life of the process
}

}  // namespace distlab::cli
