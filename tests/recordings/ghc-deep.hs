module Main (main) where

import Data.List (foldl')

größe :: [Int] -> Int
größe = foldl' (+) 0

isEven', isOdd' :: Int -> Bool
isEven' 0 = True
isEven' n = isOdd' (n - 1)
isOdd' 0 = False
isOdd' n = isEven' (n - 1)

collatz :: Int -> Int
collatz 1 = 0
collatz n = 1 + collatz (if even n then n `div` 2 else 3 * n + 1)

longest :: Int -> Int
longest k = maximum [{-# SCC "collatz_steps" #-} collatz i | i <- [1 .. k]]

main :: IO ()
main = do
  print (größe [1 .. 2000000])
  print (length (filter isEven' [1 .. 3000]))
  print (longest 60000)
