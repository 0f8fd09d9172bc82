"""上架管理 listing management (CAT-3): draft → submitted → approved (on shelf) / rejected → off shelf."""
