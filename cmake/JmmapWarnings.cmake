# Warnings every jmmap C target compiles with; warnings are errors.
function(jmmap_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes
                                           -Wmissing-prototypes -Wformat=2 -Wvla)
endfunction()
