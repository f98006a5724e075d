"""Demo chapters, played in the order of their module names (``NN_feature``)."""
