"""Tasks over scikit-learn estimators and datasets."""
