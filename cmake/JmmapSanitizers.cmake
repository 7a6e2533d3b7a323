# -DJMMAP_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer, and makes any
# sanitizer report fatal so ctest fails on it.
option(JMMAP_SANITIZE "Build with -fsanitize=address,undefined" OFF)
if(JMMAP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
