# The docs-pictures target's last step: fail, naming them, when docs/pictures holds files that
# the drawing in DRAWN did not produce (pictures the code no longer draws). They are reported, not
# deleted: the target never deletes inside the source tree.
# usage: cmake -DDRAWN=DIR -DCOMMITTED=DIR -P docs_pictures_stale.cmake
foreach(var DRAWN COMMITTED)
    if(NOT IS_DIRECTORY "${${var}}")
        message(FATAL_ERROR "docs_pictures_stale.cmake: ${var} (${${var}}) is not a directory")
    endif()
endforeach()
file(GLOB_RECURSE drawn LIST_DIRECTORIES false RELATIVE "${DRAWN}" "${DRAWN}/*")
file(GLOB_RECURSE committed LIST_DIRECTORIES false RELATIVE "${COMMITTED}" "${COMMITTED}/*")
set(stale ${committed})
if(drawn)
    list(REMOVE_ITEM stale ${drawn})
endif()
if(stale)
    list(SORT stale)
    list(LENGTH stale count)
    list(TRANSFORM stale PREPEND "  ${COMMITTED}/")
    list(JOIN stale "\n" stale)
    message(FATAL_ERROR "docs/pictures holds ${count} file(s) that ctformer plot no longer draws; "
                        "remove them (git rm) and check that docs/tour.md does not link them:\n${stale}")
endif()
