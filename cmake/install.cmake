# Installation and export of chainsim as a CMake package (included from the
# top-level CMakeLists.txt after the libraries are defined).
#
#   cmake --install build --prefix /some/prefix
#   # in another project:
#   find_package(chainsim REQUIRED)        # CMAKE_PREFIX_PATH=/some/prefix
#   target_link_libraries(app PRIVATE chainsim::forecast)
#
# Headers keep their folder paths under <prefix>/include/chainsim ("core/...",
# "forecast/...", as in this tree). The libraries are static, so their private
# dependencies (OpenMP, oneTBB, Eigen) are link dependencies of a consumer too:
# chainsimConfig.cmake finds every one of them.
include(CMakePackageConfigHelpers)

set(CHAINSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/chainsim)

set_target_properties(chainsim_core PROPERTIES EXPORT_NAME core)
set_target_properties(chainsim_forecast PROPERTIES EXPORT_NAME forecast)
set_target_properties(chainsim_io PROPERTIES EXPORT_NAME io)
set_target_properties(chainsim_app PROPERTIES EXPORT_NAME app)

install(TARGETS chainsim_core chainsim_forecast chainsim_io chainsim_app chainsim
        EXPORT chainsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/chainsim)
install(DIRECTORY core forecast io app
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/chainsim
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT chainsimTargets
        NAMESPACE chainsim::
        DESTINATION ${CHAINSIM_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/chainsimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/chainsimConfig.cmake
                              INSTALL_DESTINATION ${CHAINSIM_INSTALL_CMAKEDIR})
# Same major version required: the C++ API is not promised stable across majors.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/chainsimConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/chainsimConfig.cmake ${PROJECT_BINARY_DIR}/chainsimConfigVersion.cmake
        DESTINATION ${CHAINSIM_INSTALL_CMAKEDIR})

# The scripts `chainsim report` runs (app/report_command.cpp looks for them in
# <prefix>/share/chainsim/scripts beside an installed executable), with the
# chart script and reader they import.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/report ${PROJECT_SOURCE_DIR}/scripts/plot
        DESTINATION ${CMAKE_INSTALL_DATADIR}/chainsim/scripts)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/report_charts.py ${PROJECT_SOURCE_DIR}/scripts/report_tables.py
              ${PROJECT_SOURCE_DIR}/scripts/chainsim_reader.py
        DESTINATION ${CMAKE_INSTALL_DATADIR}/chainsim/scripts)
