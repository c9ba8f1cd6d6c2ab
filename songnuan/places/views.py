def place_list(r): pass
place_add = place_import = resolve = place_edit = place_list
