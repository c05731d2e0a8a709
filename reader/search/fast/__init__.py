"""The fast index behind reader.search.fastsearch.FastSearch, one concern per module.

bits (sets of papers as ints) < fileformat (what the files hold) < segment (a segment as read)
< segment_reader / segment_builder (opening / writing segment files) < snapshot (a loaded state)
< evaluator (query -> papers and score parts) < ranking (scores -> the ordered page);
manifest (which files make a state) < merges < loaded_index < index_writer < FastSearch.
"""
