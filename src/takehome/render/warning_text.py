"""Warning texts shared by the renderer and the commands that show them."""

# The start of the warning for characters no installed font can print. The
# batch command shows only this part: the characters would spell out the name.
UNPRINTABLE = "no installed font can print these characters"
