"""Importers and exporters: pure translators between bytes and pool records.

An importer reads a binary stream and yields records (or rejections); it never touches the
database and knows nothing of who submits. Every format module registers itself in
``registry`` exactly like a plug-in would.
"""
