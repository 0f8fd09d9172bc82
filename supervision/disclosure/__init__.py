"""信息公开 (SUP-5): the mall's results published in the Open Contracting Data Standard (OCDS 1.1),
derived from the ledger by a reader (``service``), served without sign-in (``api``)."""
